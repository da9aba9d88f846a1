import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActiveMinimum } from '../../src/window/active-minimum.ts';
import { publishFrontier } from '../../src/window/publish-frontier.ts';
import { Watermarks } from '../../src/window/watermarks.ts';

const p = (closedUntil: number | null, idle = false) => ({ closedUntil, idle });

describe('publish frontier (hand-computed)', () => {
  it('is the minimum closed end over active partitions', () => {
    expect(publishFrontier([p(900), p(1800), p(2700)], null, false)).toBe(900);
  });
  it('an idle partition does not hold it back', () => {
    expect(publishFrontier([p(900, true), p(1800), p(2700)], null, false)).toBe(1800);
  });
  it('an active partition that closed nothing yet holds it at the published value', () => {
    expect(publishFrontier([p(null), p(1800)], 900, false)).toBe(900);
    expect(publishFrontier([p(null), p(1800)], null, false)).toBe(null);
  });
  it('every partition idle: the highest closed end rules', () => {
    expect(publishFrontier([p(900, true), p(1800, true)], null, false)).toBe(1800);
  });
  it('final (end of input): the highest closed end, whatever idleness says', () => {
    expect(publishFrontier([p(900), p(null), p(2700)], 100, true)).toBe(2700);
  });
  it('never moves back', () => {
    expect(publishFrontier([p(900), p(1800)], 1800, false)).toBe(1800);
  });
  it('no partition (nothing assigned) keeps the published value', () => {
    expect(publishFrontier([], 900, false)).toBe(900);
    expect(publishFrontier([], null, true)).toBe(null);
  });
});

describe('one rule for watermarks and the frontier', () => {
  const input = fc.record({ value: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }), idle: fc.boolean() });
  it('ActiveMinimum equals its definition (brute force)', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 8 }), (inputs) => {
        const m = new ActiveMinimum();
        for (const i of inputs) m.add(i.value, i.idle);
        const active = inputs.filter((i) => !i.idle);
        const expected = active.some((i) => i.value === undefined)
          ? null
          : active.length > 0
            ? Math.min(...active.map((i) => i.value!))
            : Math.max(-Infinity, ...inputs.filter((i) => i.value !== undefined).map((i) => i.value!));
        expect(m.result).toBe(expected);
      }),
    );
  });
  it('Watermarks.current is ActiveMinimum over its inputs minus the lateness', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 100 })), { maxLength: 30 }), fc.integer({ min: 0, max: 200 }), (obs, now) => {
        const w = new Watermarks({ latenessMs: 7, idleTimeoutMs: 50 });
        const max = new Map<string, number>();
        const seen = new Map<string, number>();
        w.track('t', 0);
        seen.set('t', 0);
        for (const [input, ts, at] of obs) {
          w.observe(`i${input}`, ts, at);
          max.set(`i${input}`, Math.max(max.get(`i${input}`) ?? -Infinity, ts));
          seen.set(`i${input}`, at);
        }
        const m = new ActiveMinimum();
        for (const [k, at] of seen) m.add(max.get(k), now - at >= 50);
        const r = m.result;
        expect(w.current(now)).toBe(r === null ? -Infinity : r - 7);
      }),
    );
  });
});

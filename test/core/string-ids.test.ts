import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntStack } from '../../src/core/int-stack.ts';
import { NO_ID, SPILLED, StringIds } from '../../src/core/string-ids.ts';

describe('StringIds', () => {
  it('gives each distinct string one id, in order, until full; then -1 for new strings only', () => {
    const t = new StringIds(2);
    expect([t.id('a'), t.id('b'), t.id('a'), t.id('c'), t.id('b')]).toEqual([0, 1, 0, -1, 1]);
    expect([t.str(0), t.str(1), t.size]).toEqual(['a', 'b', 2]);
  });

  it('store/load agree with a plain array of strings through overwrites, whatever the bound', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 15 }), fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined })), { maxLength: 300 }), (max, writes) => {
        const t = new StringIds(max);
        const ids = new Int32Array(16).fill(NO_ID);
        const spill = new Map<number, string>();
        const ref: (string | undefined)[] = new Array(16).fill(undefined);
        for (const [at, v] of writes) {
          const s = v === undefined ? undefined : `s${v}`;
          t.store(ids, at, s, spill, 100 + at);
          ref[at] = s;
          for (let x = 0; x < 16; x++) expect(t.load(ids, x, spill, 100 + x)).toBe(ref[x]);
        }
        // The spill map holds exactly the fields marked spilled: nothing left behind by overwrites.
        expect([...spill.keys()].sort()).toEqual([...ids.keys()].filter((x) => ids[x] === SPILLED).map((x) => 100 + x).sort());
        expect(t.size).toBeLessThanOrEqual(max);
      }),
      { numRuns: 300 },
    );
  });
});

describe('IntStack', () => {
  it('pops what was pushed, last first, through growth; -1 when empty', () => {
    const s = new IntStack(1);
    for (let i = 0; i < 1000; i++) s.push(i * 3);
    expect(s.size).toBe(1000);
    for (let i = 999; i >= 0; i--) expect(s.pop()).toBe(i * 3);
    expect(s.pop()).toBe(-1);
    s.push(5);
    s.clear();
    expect([s.size, s.pop()]).toEqual([0, -1]);
  });
});

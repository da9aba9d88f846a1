// Issue 9: a bare number as a duration was read as minutes (`--exit-when-idle 10` waited ten minutes).
import { describe, expect, it } from 'vitest';
import { UserInputError } from '../../src/core/citypulse-error.ts';
import { formatDuration, parseDuration } from '../../src/core/duration.ts';
import { commands } from './support/commands.ts';
import { runMain } from './support/run-main.ts';

describe('parseDuration', () => {
  it('reads every unit (hand-computed)', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('1.5h')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration(' 10 s ')).toBe(10_000);
  });

  it('refuses a bare number, naming the flag and suggesting units', () => {
    expect(() => parseDuration('10', '--exit-when-idle')).toThrow(UserInputError);
    expect(() => parseDuration('10', '--exit-when-idle')).toThrow('--exit-when-idle: "10" has no unit; write e.g. 10s, 10m or 10h');
    expect(() => parseDuration('0.5', '--window')).toThrow(/--window: "0.5" has no unit/);
    expect(() => parseDuration('ten minutes', '--lateness')).toThrow(/--lateness: cannot read "ten minutes"/);
    expect(() => parseDuration('10w')).toThrow(/cannot read "10w"/);
  });

  it('round-trips random whole durations through their unit', () => {
    const units = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
    for (let i = 0; i < 500; i++) {
      const n = Math.floor(Math.random() * 10_000);
      const [unit, factor] = Object.entries(units)[i % 5]!;
      expect(parseDuration(`${n}${unit}`)).toBe(n * factor);
    }
    expect(formatDuration(90_000)).toBe('1m 30s');
  });
});

describe('duration flags on the command line', () => {
  it('stream --exit-when-idle 10 is a usage error at once, before any broker or file is touched', async () => {
    const t0 = performance.now();
    const r = await runMain(['stream', '--topics', 't', '--group', 'g', '--cells', 'no-such.csv', '--db', 'no-such.duckdb', '--exit-when-idle', '10']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('citypulse stream: --exit-when-idle: "10" has no unit; write e.g. 10s, 10m or 10h (units: ms, s, m, h, d)\n');
    expect(performance.now() - t0).toBeLessThan(5_000);
  });

  it('ingest --window 15 and simulate durations refuse bare numbers too', async () => {
    const ingest = await runMain(['ingest', '--from', 'x.ndjson', '--cells', 'c.csv', '--db', 'd.duckdb', '--window', '15']);
    expect(ingest.code).toBe(2);
    expect(ingest.err).toMatch(/--window: "15" has no unit/);
    const lateness = await runMain(['ingest', '--from', 'x.ndjson', '--cells', 'c.csv', '--db', 'd.duckdb', '--lateness', '5']);
    expect(lateness.err).toMatch(/--lateness: "5" has no unit/);
  });

  it('every help line that takes a DUR names the units', () => {
    for (const c of commands()) {
      const lines = c.help.split('\n');
      const durLines = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s+--\S+ DUR\b/.test(l));
      for (const [line, i] of durLines) {
        // The flag's own description (its line and continuation lines) or the shared note names a unit.
        const block = [line, ...lines.slice(i + 1, i + 4).filter((l) => /^\s{20,}/.test(l))].join(' ');
        const sharedNote = /every DUR takes a unit/.test(c.help);
        expect(sharedNote || /\d+(ms|s|m|h)\b/.test(block), `${c.name}: ${line}`).toBe(true);
      }
    }
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OdCell } from '../../src/mobility/engine/od-cell.ts';
import { releaseOd } from '../../src/mobility/release/release-od.ts';

const H = 3_600_000, DAY = 86_400_000;
const c = (o: string, d: string, hour: number, trips: number): OdCell => ({ origin: o, destination: d, hour: hour * H, trips });

describe('releaseOd (hour → day → total, differencing-safe)', () => {
  it('hand-computed: hours ≥ k released, remainders only when ≥ k', () => {
    const cells = [c('A', 'B', 7, 25), c('A', 'B', 8, 7), c('A', 'B', 9, 8), c('A', 'B', 24 + 7, 5), c('B', 'A', 17, 3)];
    expect(releaseOd(cells, 'hour', 20)).toEqual([{ origin: 'A', destination: 'B', period: 7 * H, trips: 25 }]);
    // Day 1: 25 + remainder 15 (< 20) suppressed → 25. Day 2: 5 → nothing.
    expect(releaseOd(cells, 'day', 20)).toEqual([{ origin: 'A', destination: 'B', period: 0, trips: 25 }]);
    // Total: released days 25, remainder 45 − 25 = 20 ≥ 20 → 45.
    expect(releaseOd(cells, 'total', 20)).toEqual([{ origin: 'A', destination: 'B', period: null, trips: 45 }]);
    // With k = 2: every hour released, B→A too.
    expect(releaseOd(cells, 'total', 2).map((r) => [r.origin, r.destination, r.trips])).toEqual([['A', 'B', 45], ['B', 'A', 3]]);
  });

  it('hand-computed, shared rule (src/privacy/release): a remainder below k at the top takes the pair\'s smallest element', () => {
    // Hour 7: 3 (an element at k = 3); hour 8: 2 → its day's remainder 2 < 3 passes up; at the top the
    // remainder 2 takes the element of hour 7: one element {7h, 8h} = 5, inside the day. So the hour
    // is no longer released (it would reveal the 2 as day − hour), the day and the total are 5.
    const cells = [c('A', 'B', 7, 3), c('A', 'B', 8, 2)];
    expect(releaseOd(cells, 'hour', 3)).toEqual([]);
    expect(releaseOd(cells, 'day', 3)).toEqual([{ origin: 'A', destination: 'B', period: 0, trips: 5 }]);
    expect(releaseOd(cells, 'total', 3)).toEqual([{ origin: 'A', destination: 'B', period: null, trips: 5 }]);
    expect(() => releaseOd(cells, 'hour', 1)).toThrow(/k must be an integer ≥ 2/);
  });

  it('randomised: every released value is ≥ k, and any level minus the released levels below is 0 or ≥ k', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ o: fc.constantFrom('A', 'B', 'C'), d: fc.constantFrom('A', 'B'), h: fc.integer({ min: 0, max: 71 }), n: fc.integer({ min: 1, max: 30 }) }), { maxLength: 60 }),
        fc.integer({ min: 2, max: 20 }),
        (raw, k) => {
          const cells = raw.map((r) => c(r.o, r.d, r.h, r.n));
          const hours = releaseOd(cells, 'hour', k), days = releaseOd(cells, 'day', k), totals = releaseOd(cells, 'total', k);
          for (const r of [...hours, ...days, ...totals]) expect(r.trips).toBeGreaterThanOrEqual(k);
          const sum = (rows: typeof hours, o: string, d: string, f: (p: number | null) => boolean) =>
            rows.filter((r) => r.origin === o && r.destination === d && f(r.period)).reduce((s, r) => s + r.trips, 0);
          for (const t of totals) {
            const truth = cells.filter((x) => x.origin === t.origin && x.destination === t.destination).reduce((s, x) => s + x.trips, 0);
            expect(t.trips).toBeLessThanOrEqual(truth);
            for (const diff of [t.trips - sum(days, t.origin, t.destination, () => true), t.trips - sum(hours, t.origin, t.destination, () => true)]) {
              expect(diff === 0 || diff >= k).toBe(true);
            }
          }
          for (const d of days) {
            const diff = d.trips - sum(hours, d.origin, d.destination, (p) => p !== null && Math.floor(p / DAY) * DAY === d.period);
            expect(diff === 0 || diff >= k).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LocatedEvent } from '../../schemas/events.ts';
import { cellAt, dayEvents, M, runConsumer, T0 } from './track-helpers.ts';

/** A random day of one or more devices: stays at places on a 10 × 10 km grid, moves between them, ping-pong, silences. */
const dayArb = fc.array(
  fc.record({
    places: fc.array(fc.record({ x: fc.integer({ min: 0, max: 10 }), y: fc.integer({ min: 0, max: 10 }), stayMin: fc.integer({ min: 5, max: 240 }) }), { minLength: 1, maxLength: 6 }),
    gapMin: fc.integer({ min: 2, max: 70 }),
    pingPong: fc.boolean(),
    fixes: fc.boolean(),
  }),
  { minLength: 1, maxLength: 4 },
);

describe('trajectory invariants (randomised)', () => {
  it('stays never overlap, trips link consecutive stays at different places, and the result does not depend on the window size or on restarts', () => {
    fc.assert(
      fc.property(dayArb, fc.constantFrom(5, 15, 60), fc.integer({ min: 1, max: 7 }), (day, windowMin, restoreEvery) => {
        const evs = dayEvents(day);
        const base = runConsumer(evs, { windowMs: 15 * M });
        for (const d of new Set(evs.map((e) => e.device))) {
          const stays = base.stays.filter((s) => s.device === d).sort((a, b) => a.start - b.start);
          stays.forEach((s, i) => {
            expect(s.start).toBeLessThanOrEqual(s.lastTs);
            expect(s.lastTs).toBeLessThanOrEqual(s.end);
            if (i > 0) expect(stays[i - 1]!.end).toBeLessThanOrEqual(s.start);
          });
          for (const t of base.trips.filter((x) => x.device === d)) {
            expect(t.origin).not.toBe(t.destination);
            expect(t.departTs).toBeLessThanOrEqual(t.arriveTs);
            expect(t.departUncertaintyMs).toBeGreaterThanOrEqual(0);
            const dest = stays.find((s) => s.start === t.arriveTs);
            expect(dest?.h3).toBe(t.destination);
          }
        }
        // OD published hour by hour sums to the trips.
        expect(base.od.reduce((s, o) => s + o.trips, 0)).toBe(base.trips.length);
        // Streaming == batch: another window size, and JSON checkpoints restored every few windows.
        const other = runConsumer(evs, { windowMs: windowMin * M, restoreEvery });
        const key = (r: object) => JSON.stringify(r);
        // At the end of a finite input, whether the last silence already exceeded the bridged gap
        // depends on where the last window ends: 'open' and 'silence' are then the same stay.
        const stayKey = (r: { device: string; endReason: string }) => key({ ...r, endReason: r.endReason === 'open' ? 'silence' : r.endReason });
        expect(other.stays.map(stayKey).sort()).toEqual(base.stays.map(stayKey).sort());
        expect(other.trips.map(key).sort()).toEqual(base.trips.map(key).sort());
        expect(other.od.map(key).sort()).toEqual(base.od.map(key).sort());
      }),
      { numRuns: 150 },
    );
  });

  it('a stationary phone that ping-pongs never makes a trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 5, maxLength: 80 }), (x, y, gaps) => {
        const evs: LocatedEvent[] = [];
        let t = T0;
        const home = cellAt(x, y), n1 = cellAt(x + 1.3, y), n2 = cellAt(x + 0.6, y + 1.1);
        gaps.forEach((g, i) => {
          t += g * M;
          evs.push({ ts: t, device: 'still', h3: home, kind: 'tau' });
          if (i % 3 === 0) {
            evs.push({ ts: t + 20_000, device: 'still', h3: i % 2 ? n1 : n2, kind: 'handover' });
            evs.push({ ts: t + 200_000, device: 'still', h3: home, kind: 'handover' });
            t += 200_000;
          }
        });
        expect(runConsumer(evs).trips).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

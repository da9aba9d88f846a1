import { describe, expect, it } from 'vitest';
import { Segment } from '../../src/sim/people/segment.ts';
import { odTruthTrips } from '../../src/sim/truth/od-truth-trips.ts';

const M = 60_000, H = 3_600_000, T0 = Date.UTC(2026, 2, 2);
const t = (hh: number, mm = 0) => T0 + hh * H + mm * M;
const place = (xKm: number, zone: number) => ({ x: xKm * 1000, y: 0, zone });
const move = (from: number, to: number, a: { x: number; zone: number }, b: { x: number; zone: number }) =>
  Segment.move(from, to, [a.x, b.x], [0, 0], a.zone, b.zone, 'walk');

describe('true trips under the OD semantics (stays ≥ 15 min, > 1 km apart)', () => {
  it('passes through a short stop, drops a move within 1 km, keeps the rest', () => {
    const home = place(0, 0), shop = place(2, 1), work = place(4, 2), cafe = place(4.5, 2), park = place(0.6, 0);
    const segs = [
      Segment.stay(T0, t(8), home),
      move(t(8), t(8, 20), home, shop),
      Segment.stay(t(8, 20), t(8, 30), shop), // 10 min: not a stay
      move(t(8, 30), t(8, 40), shop, work),
      Segment.stay(t(8, 40), t(17), work),
      move(t(17), t(17, 5), work, cafe), // 500 m: no trip; the café becomes the origin
      Segment.stay(t(17, 5), t(18), cafe),
      move(t(18), t(18, 30), cafe, home),
      Segment.stay(t(18, 30), t(19), home),
      move(t(19), t(19, 10), home, park), // 600 m walk and back: no trips
      Segment.stay(t(19, 10), t(20), park),
      move(t(20), t(20, 10), park, home),
      Segment.stay(t(20, 10), Infinity, home),
    ];
    const trips = odTruthTrips('001', segs, (z) => `z${z}`);
    expect(trips.map((x) => [x.fromZone, x.toZone, (x.departTs - T0) / M, (x.arriveTs - T0) / M])).toEqual([
      ['z0', 'z2', 8 * 60, 8 * 60 + 40],
      ['z2', 'z0', 18 * 60, 18 * 60 + 30],
    ]);
  });

  it('a short last-but-one stop before the open night stay still ends the day at home', () => {
    const home = place(0, 0), shop = place(3, 1);
    const segs = [Segment.stay(T0, t(9), home), move(t(9), t(9, 20), home, shop), Segment.stay(t(9, 20), t(9, 30), shop), move(t(9, 30), t(9, 50), shop, home), Segment.stay(t(9, 50), Infinity, home)];
    expect(odTruthTrips('001', segs, (z) => `z${z}`)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { cellToLatLng } from 'h3-js';
import type { CellVersion, LocatedEvent } from '../../schemas/events.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { locateRecord } from '../../src/locate/locator.ts';
import { at, min, runConsumer } from './track-helpers.ts';

// A flat local frame around Milan: x east, y north, km.
const LAT0 = 45.46, LNG0 = 9.19, M_PER_DEG = 111_195;
const KX = M_PER_DEG * Math.cos((LAT0 * Math.PI) / 180);
const lngOf = (xKm: number) => LNG0 + (xKm * 1000) / KX;
const latOf = (yKm: number) => LAT0 + (yKm * 1000) / M_PER_DEG;
const xM = (lng: number) => (lng - LNG0) * KX;
const yM = (lat: number) => (lat - LAT0) * M_PER_DEG;

function cell(id: string, xKm: number, yKm: number, azimuthDeg: number, rangeM = 1000): CellVersion {
  return { cellId: id, lat: latOf(yKm), lon: lngOf(xKm), validFrom: -Infinity, validTo: Infinity, azimuthDeg, rangeM };
}

/**
 * Site A at (0, 0) with one east-facing sector AE (range 1 km: the wedge of bearings 30°–150°); sites
 * B1 at (1, 1) and B2 at (1, −1) km, three sectors each. AE serves the wedge up to the bisectors
 * x + y < 1 and x − y < 1. Above the x axis the second-nearest site is B1 (below it B2), whose
 * south-west sector (210°) faces every such point (B2: its north-west one, 330°). The northern part
 * {r ≤ 1 km, 0° ≤ angle above east ≤ 60°, x + y < 1 km} has its centroid at (455 m, 211 m) (by
 * integration: ∫x dA / ∫dA over that region), the southern one at (455 m, −211 m); AE's whole served
 * area at (455 m, 0).
 */
const TABLE = CellTable.fromVersions([
  cell('AE', 0, 0, 90),
  cell('B1SW', 1, 1, 210), cell('B1E', 1, 1, 90), cell('B1NW', 1, 1, 330),
  cell('B2NW', 1, -1, 330), cell('B2E', 1, -1, 90), cell('B2SW', 1, -1, 210),
]);
const key = (id: string) => {
  const p = TABLE.place(id, 0);
  if (typeof p === 'string' || !p.sector) throw new Error(`${id} not placed`);
  return p.sector;
};
const MIN = 60_000;

describe('stays placed by ping-pong triangulation', () => {
  it('a ping-pong to B1\'s facing sector puts the stay at the centroid of the northern part; to B2, the southern', () => {
    const place = TABLE.stayPlacer();
    const north = place({ [key('AE')]: 180 * MIN, [key('B1SW')]: 2 * MIN });
    const south = place({ [key('AE')]: 180 * MIN, [key('B2NW')]: 1 * MIN });
    if (!north || !south) throw new Error('not placed');
    expect(xM(north[1])).toBeCloseTo(455, -1.5); // within ±16 m: the polar sampling grid
    expect(yM(north[0])).toBeCloseTo(211, -1.5);
    expect(xM(south[1])).toBeCloseTo(455, -1.5);
    expect(yM(south[0])).toBeCloseTo(-211, -1.5);
  });

  it('keeps the time-weighted centre (null) without a neighbour, without a majority sector, or with an impossible neighbour', () => {
    const place = TABLE.stayPlacer();
    expect(place({ [key('AE')]: 180 * MIN })).toBeNull();
    // Served as long by B1 as by AE: the device moved, no sector holds half the dwell.
    expect(place({ [key('AE')]: 60 * MIN, [key('B1SW')]: 50 * MIN, [key('B2NW')]: 30 * MIN })).toBeNull();
    // B1's east sector faces away from AE's area: no stationary phone there ping-pongs to it.
    expect(place({ [key('AE')]: 180 * MIN, [key('B1E')]: 2 * MIN })).toBeNull();
    expect(place({})).toBeNull();
  });

  it('through the consumer: the stay row holds the whole stay\'s place, the trip into it the place as confirmed', () => {
    // d1 arrives on AE at 09:00 (from B2's far sector, a trip), ping-pongs to B1SW at 09:50 (after the
    // place was confirmed at 09:30 on AE alone) and 11:10, and leaves at 12:00 on B2's east sector.
    const evs: [string, string, string?][] = [
      ['07:00', 'B2SW'], ['07:40', 'B2SW'], ['08:20', 'B2SW'],
      ['09:00', 'AE', 'handover'], ['09:20', 'AE'], ['09:40', 'AE'], ['09:50', 'B1SW', 'handover'], ['09:51', 'AE', 'handover'],
      ['10:30', 'AE'], ['11:10', 'B1SW', 'handover'], ['11:11', 'AE', 'handover'], ['11:40', 'AE'],
      ['12:00', 'B2SW', 'handover'], ['12:30', 'B2SW'], ['13:10', 'B2SW'],
    ];
    const located: LocatedEvent[] = evs.map(([t, c, kind]) => {
      const ev = locateRecord({ kind: 'signalling', ts: at(t), imsi: '0', cell: c, event: kind ?? 'tau' }, 'd1', TABLE);
      if ('reason' in ev) throw new Error(ev.detail);
      return ev;
    });
    const r = runConsumer(located, { placer: TABLE.stayPlacer() });
    // B1SW's centre lies within the 1 km roam radius of AE's: its events are inside the stay (no
    // oscillation to absorb), and weigh the minute they hold.
    expect(r.stays.map((s) => [min(s.start), min(s.end), s.events])).toEqual([[420, 540, 3], [540, 720, 9], [720, 790, 3]]);
    const s = r.stays[1]!;
    expect(xM(s.lng)).toBeCloseTo(455, -1.5);
    expect(yM(s.lat)).toBeCloseTo(211, -1.5);
    // Confirmed at 09:30 with AE alone: the trip in ends at AE's sector centre (on the axis, y = 0),
    // the trip out starts at the stay's place.
    const [tin, tout] = r.trips;
    expect([tin!.destinationLat, tin!.destinationLng]).toEqual(cellToLatLng(key('AE')));
    expect(Math.abs(yM(tin!.destinationLat))).toBeLessThan(20);
    expect([tout!.originLat, tout!.originLng]).toEqual([s.lat, s.lng]);
    // The dwell per sector is checkpointed state: other windows and a restart after each give the same.
    expect(runConsumer(located, { placer: TABLE.stayPlacer(), windowMs: 5 * MIN, restoreEvery: 1 }).records).toEqual(r.records);
    // Without a placer nothing changes from before: the stay sits at AE's centre.
    const plain = runConsumer(located);
    expect([plain.stays[1]!.lat, plain.stays[1]!.lng]).toEqual(cellToLatLng(key('AE')));
  });
});

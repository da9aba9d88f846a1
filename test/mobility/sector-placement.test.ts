import { describe, expect, it } from 'vitest';
import { cellToLatLng } from 'h3-js';
import type { CellVersion, LocatedEvent } from '../../schemas/events.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { locateRecord } from '../../src/locate/locator.ts';
import { distanceM } from '../../src/mobility/engine/distance-m.ts';
import { at, min, runConsumer } from './track-helpers.ts';

// A flat local frame around Milan: x east, y north, km.
const LAT0 = 45.46, LNG0 = 9.19, M_PER_DEG = 111_195;
const lngOf = (xKm: number) => LNG0 + (xKm * 1000) / (M_PER_DEG * Math.cos((LAT0 * Math.PI) / 180));
const latOf = (yKm: number) => LAT0 + (yKm * 1000) / M_PER_DEG;
const xOf = (lng: number) => ((lng - LNG0) * M_PER_DEG * Math.cos((LAT0 * Math.PI) / 180)) / 1000;

function cell(id: string, xKm: number, azimuthDeg?: number, rangeM?: number): CellVersion {
  const v: CellVersion = { cellId: id, lat: latOf(0), lon: lngOf(xKm), validFrom: -Infinity, validTo: Infinity };
  if (azimuthDeg !== undefined) v.azimuthDeg = azimuthDeg;
  if (rangeM !== undefined) v.rangeM = rangeM;
  return v;
}

/** Signalling records of device `d` through the real locator: [time, cell id, kind?]. */
function located(table: CellTable, d: string, evs: [string, string, string?][]): LocatedEvent[] {
  return evs.map(([t, c, kind]) => {
    const ev = locateRecord({ kind: 'signalling', ts: at(t), imsi: '0', cell: c, event: kind ?? 'tau' }, d, table);
    if ('reason' in ev) throw new Error(ev.detail);
    return ev;
  });
}

describe('cell events at their sector centre', () => {
  it('a lone sector sits at its 120° wedge centroid (0.55 × range); a rival site cuts it at the bisector; omni: none', () => {
    // E alone at x = 0 (range 1 km): the centroid of a 120° disk sector, 2r·sin 60°/(3·π/3) = 551 m east.
    const table = CellTable.fromVersions([cell('E', 0, 90, 1000), cell('N', 10, 0, 2000), cell('OMNI', 20)]);
    const e = table.place('E', 0), n = table.place('N', 0), o = table.place('OMNI', 0);
    if (typeof e === 'string' || typeof n === 'string' || typeof o === 'string') throw new Error('not placed');
    const [elat, elng] = cellToLatLng(e.sector!);
    expect(distanceM(latOf(0), lngOf(0), elat, elng)).toBeGreaterThan(520);
    expect(distanceM(latOf(0), lngOf(0), elat, elng)).toBeLessThan(580);
    expect(Math.abs(elat - LAT0) * M_PER_DEG).toBeLessThan(30); // due east
    const [nlat, nlng] = cellToLatLng(n.sector!);
    expect((nlat - LAT0) * M_PER_DEG).toBeGreaterThan(1040); // 2 km range: 1 102 m north
    expect((nlat - LAT0) * M_PER_DEG).toBeLessThan(1160);
    expect(Math.abs(xOf(nlng) - 10)).toBeLessThan(0.03);
    expect(o.sector).toBeUndefined();
    // A three-sector site at x = 0 (range 2 km) with another site at x = 1.6: the east sector serves
    // only up to the bisector x = 0.8, so its centre lies on the axis between 0.3 and 0.8 km east.
    const cut = CellTable.fromVersions([cell('A1', 0, 90, 2000), cell('A2', 0, 210, 2000), cell('A3', 0, 330, 2000), cell('B', 1.6)]);
    const a1 = cut.place('A1', 0);
    if (typeof a1 === 'string') throw new Error('not placed');
    const [alat, alng] = cellToLatLng(a1.sector!);
    expect(xOf(alng)).toBeGreaterThan(0.3);
    expect(xOf(alng)).toBeLessThan(0.8);
    expect(Math.abs(alat - LAT0) * M_PER_DEG).toBeLessThan(50);
    // The locator carries it; presence keeps the site cell.
    const [ev] = located(table, 'd', [['10:00', 'E']]);
    expect(ev).toMatchObject({ h3: e.h3, at: e.sector });
    expect(located(table, 'd', [['10:00', 'OMNI']])[0]).not.toHaveProperty('at');
  });

  it('a stay near a zone border, seen through an east-facing sector, lands on the sector side of the border', () => {
    // A three-sector site at x = 0 (range 1.2 km, no neighbour): the east sector's centre is at
    // x = 0.551 × 1.2 = 0.66 km; the border at x = 0.35 km; the site itself lies west of it.
    const table = CellTable.fromVersions([cell('E', 0, 90, 1200), cell('SW', 0, 210, 1200), cell('NW', 0, 330, 1200), cell('OMNI', 0)]);
    const evs: [string, string, string?][] = [['09:00', 'E'], ['09:20', 'E', 'data'], ['09:54', 'E'], ['10:40', 'E'], ['11:34', 'E']];
    const r = runConsumer(located(table, 'd1', evs));
    expect(r.stays).toHaveLength(1);
    const s = r.stays[0]!;
    expect([min(s.start), min(s.end)]).toEqual([9 * 60, 11 * 60 + 34]);
    expect(xOf(s.lng)).toBeGreaterThan(0.35);
    expect(Math.abs(xOf(s.lng) - 0.66)).toBeLessThan(0.04);
    // The same events on an omni cell stay at the site (its res-9 cell), west of the border: the reason for sectors.
    const omni = runConsumer(located(table, 'd1', evs.map(([t, , k]) => [t, 'OMNI', k] as [string, string, string?])));
    expect(xOf(omni.stays[0]!.lng)).toBeLessThan(0.35);
  });

  it('ping-pong between sectors of two sites across a border, starting on the neighbour: one stay on the home side, no trip', () => {
    // Home sector S1 (site x = 0, facing east, range 1.6 km); neighbour S2 (site x = 3.0, facing west,
    // range 2.0 km); the sites' bisector x = 1.5 cuts both sectors: centres near x = 0.8 and x = 2.2,
    // beyond the 1 km roam radius of each other; the zone border between them at x = 1.4. The input starts inside a ping-pong episode (on S2), and
    // every ~9 min the phone flips to S2 for 30 s: the neighbour must not hold the stay.
    const table = CellTable.fromVersions([cell('S1', 0, 90, 1600), cell('S2', 3.0, 270, 2000)]);
    const evs: [string, string, string?][] = [
      ['08:00', 'S2', 'handover'], ['08:01', 'S1', 'handover'],
      ['08:09', 'S2', 'handover'], ['08:10', 'S1', 'handover'],
      ['08:18', 'S2', 'handover'], ['08:19', 'S1', 'handover'],
      ['08:27', 'S2', 'handover'], ['08:28', 'S1', 'handover'],
      ['08:50', 'S1', 'data'], ['09:30', 'S1', 'handover'], ['09:31', 'S2', 'handover'], ['09:32', 'S1', 'handover'],
      ['10:20', 'S1'], ['11:14', 'S1'],
    ];
    const r = runConsumer(located(table, 'd1', evs));
    expect(r.trips).toEqual([]);
    expect(r.stays).toHaveLength(1);
    const s = r.stays[0]!;
    expect([min(s.start), min(s.end), s.events]).toEqual([8 * 60, 11 * 60 + 14, evs.length]);
    // Time-weighted: S2 holds 1 + 4 × 1 min of the first 19 min; the place is S1's side of the border.
    expect(xOf(s.lng)).toBeLessThan(1.4);
    expect(xOf(s.lng)).toBeGreaterThan(0.75);
  });
});

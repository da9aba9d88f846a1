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
  it('the cell table places a sector half its range along the azimuth; an omni cell has no sector', () => {
    const table = CellTable.fromVersions([cell('E', 0, 90, 1000), cell('N', 0, 0, 2000), cell('OMNI', 0)]);
    const e = table.place('E', 0), n = table.place('N', 0), o = table.place('OMNI', 0);
    if (typeof e === 'string' || typeof n === 'string' || typeof o === 'string') throw new Error('not placed');
    const [elat, elng] = cellToLatLng(e.sector!);
    // 500 m east of the site (res-11 cells: within ~30 m), same latitude.
    expect(distanceM(latOf(0), lngOf(0), elat, elng)).toBeGreaterThan(470);
    expect(distanceM(latOf(0), lngOf(0), elat, elng)).toBeLessThan(530);
    expect(xOf(elng)).toBeCloseTo(0.5, 1);
    const [nlat] = cellToLatLng(n.sector!);
    expect((nlat - LAT0) * M_PER_DEG).toBeGreaterThan(970); // 1 000 m north
    expect((nlat - LAT0) * M_PER_DEG).toBeLessThan(1030);
    expect(o.sector).toBeUndefined();
    // The locator carries it; presence keeps the site cell.
    const [ev] = located(table, 'd', [['10:00', 'E']]);
    expect(ev).toMatchObject({ h3: e.h3, sector: e.sector });
    expect(located(table, 'd', [['10:00', 'OMNI']])[0]).not.toHaveProperty('sector');
  });

  it('a stay near a zone border, seen through an east-facing sector, lands on the sector side of the border', () => {
    // Site at x = 0, border at x = 0.35 km; the phone sits 0.6 km east, served by the east sector
    // (range 1.2 km → centre at x = 0.6). The site itself lies west of the border.
    const table = CellTable.fromVersions([cell('E', 0, 90, 1200), cell('W', 0, 270, 1200), cell('OMNI', 0)]);
    const evs: [string, string, string?][] = [['09:00', 'E'], ['09:20', 'E', 'data'], ['09:54', 'E'], ['10:40', 'E'], ['11:34', 'E']];
    const r = runConsumer(located(table, 'd1', evs));
    expect(r.stays).toHaveLength(1);
    const s = r.stays[0]!;
    expect([min(s.start), min(s.end)]).toEqual([9 * 60, 11 * 60 + 34]);
    expect(xOf(s.lng)).toBeGreaterThan(0.35);
    expect(Math.abs(xOf(s.lng) - 0.6)).toBeLessThan(0.04);
    // The same events on an omni cell stay at the site, west of the border: the reason for sectors.
    const omni = runConsumer(located(table, 'd1', evs.map(([t, , k]) => [t, 'OMNI', k] as [string, string, string?])));
    expect(xOf(omni.stays[0]!.lng)).toBeLessThan(0.35);
  });

  it('ping-pong between sectors of two sites across a border, starting on the neighbour: one stay on the home side, no trip', () => {
    // Home sector S1 (site x = 0, facing east, range 1.6 km → centre x = 0.8); neighbour S2 (site
    // x = 3.0, facing west, range 2.0 km → centre x = 2.0): 1.2 km apart, beyond the 1 km roam radius;
    // the border between them at x = 1.4. The input starts inside a ping-pong episode (on S2), and
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

import { describe, expect, it } from 'vitest';
import { cellToLatLng } from 'h3-js';
import type { CellVersion } from '../../schemas/events.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { footprintShares, type Footprint } from '../../src/locate/footprint-model.ts';

// The layout of ping-pong-placement.test.ts: site A at (0, 0) with one east-facing sector AE (range
// 1 km), sites B1 at (1, 1) and B2 at (1, −1) km with three sectors each. AE's served area is the wedge
// of bearings 30°–150° cut by x + y < 1 km and x − y < 1 km; its part whose second-nearest site is B1
// is the half above the x axis (centroid (455 m, 211 m)), the B2 part the half below.
const LAT0 = 45.46, LNG0 = 9.19, M_PER_DEG = 111_195;
const KX = M_PER_DEG * Math.cos((LAT0 * Math.PI) / 180);
const lngOf = (xM: number) => LNG0 + xM / KX;
const latOf = (yM: number) => LAT0 + yM / M_PER_DEG;
const xM = (lng: number) => (lng - LNG0) * KX;
const yM = (lat: number) => (lat - LAT0) * M_PER_DEG;
function cell(id: string, xKm: number, yKm: number, azimuthDeg: number): CellVersion {
  return { cellId: id, lat: latOf(yKm * 1000), lon: lngOf(xKm * 1000), validFrom: -Infinity, validTo: Infinity, azimuthDeg, rangeM: 1000 };
}
const TABLE = CellTable.fromVersions([
  cell('AE', 0, 0, 90),
  cell('B1SW', 1, 1, 210), cell('B1E', 1, 1, 90), cell('B1NW', 1, 1, 330),
  cell('B2NW', 1, -1, 330), cell('B2E', 1, -1, 90), cell('B2SW', 1, -1, 210),
]);
const footprintOf = TABLE.footprints();

function centroid(fp: Footprint): [number, number] {
  let x = 0, y = 0;
  for (let i = 0; i < fp.w.length; i++) {
    x += fp.w[i]! * xM(fp.lng[i]!);
    y += fp.w[i]! * yM(fp.lat[i]!);
  }
  return [x, y];
}
const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);

describe('footprints of cell-seen places', () => {
  it('a place at the northern part\'s centroid (a ping-pong to B1) stands for that part only', () => {
    const fp = footprintOf(latOf(211), lngOf(455), 0)!;
    expect(fp).not.toBeNull();
    expect(sum(fp.w)).toBeCloseTo(1, 9);
    for (let i = 0; i < fp.w.length; i++) {
      const x = xM(fp.lng[i]!), y = yM(fp.lat[i]!);
      expect(y).toBeGreaterThan(0); // B1's half
      expect(x + y).toBeLessThan(1000); // nearer to A than to B1
      expect(Math.hypot(x, y)).toBeLessThan(1000); // within AE's range
      expect(Math.abs(Math.atan2(y, x))).toBeLessThanOrEqual(Math.PI / 3 + 1e-9); // within ±60° of east
    }
    const [cx, cy] = centroid(fp);
    expect(cx).toBeCloseTo(455, -1.5); // the integrated centroid, within the sampling grid's ±16 m
    expect(cy).toBeCloseTo(211, -1.5);
    // The same part from any point in it: one footprint, computed once.
    expect(footprintOf(latOf(100), lngOf(600), 0)).toBe(fp);
  });

  it('a place at AE\'s own centre (no neighbour seen) stands for the whole served area', () => {
    const ae = TABLE.place('AE', 0);
    if (typeof ae === 'string' || !ae.sector) throw new Error('AE not placed');
    const [lat, lng] = cellToLatLng(ae.sector);
    const fp = footprintOf(lat, lng, 0)!;
    const [cx, cy] = centroid(fp);
    expect(cx).toBeCloseTo(455, -1.5);
    expect(Math.abs(cy)).toBeLessThan(16);
    // Shared between a northern and a southern zone half and half; a zone system covering only the
    // north takes all of it (the rest is outside every zone and renormalised away).
    const halves = footprintShares(fp, (la) => (yM(la) > 0 ? 'N' : 'S'))!;
    expect(halves.get('N')).toBeCloseTo(0.5, 1);
    expect(halves.get('N')! + halves.get('S')!).toBeCloseTo(1, 9);
    expect(footprintShares(fp, (la) => (yM(la) > 0 ? 'N' : null))).toEqual(new Map([['N', 1]]));
    expect(footprintShares(fp, () => null)).toBeNull();
    // The northern part of ping-pong-placement's layout lies wholly in N.
    expect(footprintShares(footprintOf(latOf(211), lngOf(455), 0)!, (la) => (yM(la) > 0 ? 'N' : 'S'))).toEqual(new Map([['N', 1]]));
  });

  it('no footprint far from every site or at an omni-only site', () => {
    expect(footprintOf(latOf(100_000), lngOf(0), 0)).toBeNull();
    const omni = CellTable.fromVersions([{ cellId: 'O', lat: LAT0, lon: LNG0, validFrom: -Infinity, validTo: Infinity }]).footprints();
    expect(omni(LAT0, LNG0, 0)).toBeNull();
  });
});

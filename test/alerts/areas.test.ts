import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { cellArea, cellToBoundary, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { areaCells } from '../../src/alerts/areas/area-cells.ts';
import { AreaError } from '../../src/alerts/areas/area-error.ts';
import { parseAreas } from '../../src/alerts/areas/parse-areas.ts';
import { readAreasFile } from '../../src/alerts/areas/read-areas-file.ts';

const IN = fileURLToPath(new URL('./in/milan-areas.geojson', import.meta.url));
const GOLDEN = fileURLToPath(new URL('./out/milan-areas.cells.geojson', import.meta.url));

describe('watched areas from GeoJSON', () => {
  it('polygons → H3 cells by cell-centre containment (golden GeoJSON, REGEN=1 to rewrite)', async () => {
    const areas = await readAreasFile(IN, 9);
    const fc = {
      type: 'FeatureCollection',
      features: areas.flatMap((a) =>
        a.cells.map((h3) => ({
          type: 'Feature',
          properties: { area_id: a.id, name: a.name, h3, centroid_fallback: a.centroidFallback },
          geometry: { type: 'Polygon', coordinates: [cellToBoundary(h3, true)] },
        })),
      ),
    };
    const text = JSON.stringify(fc, null, 1) + '\n';
    if (process.env.REGEN) await writeFile(GOLDEN, text);
    expect(text).toBe(await readFile(GOLDEN, 'utf8'));
  });

  it('reads ids, names, capacity, levels, scale and density_limit; km² is the sum of cell areas', async () => {
    const areas = await readAreasFile(IN, 9);
    expect(areas.map((a) => [a.id, a.name, a.capacity, a.cells.length > 0])).toEqual([
      ['stadium', 'Stadio San Siro', 75_000, true],
      ['duomo', 'Piazza del Duomo', 20_000, true],
      ['7', 'Parks', 30_000, true],
      ['kiosk', 'kiosk', 50, true],
    ]);
    const [stadium, duomo, parks, kiosk] = areas;
    expect(stadium).toMatchObject({ levels: { critical: 0.95 }, densityLimit: 150_000, centroidFallback: false });
    expect(duomo!.scale).toBe(2.5);
    expect(stadium!.areaKm2).toBeCloseTo(stadium!.cells.reduce((s, c) => s + cellArea(c, 'km2'), 0), 12);
    // A 600 m disc is ≈ 1.13 km²; whole res-9 cells (≈ 0.1 km² each) by centre get close.
    expect(stadium!.areaKm2).toBeGreaterThan(0.9);
    expect(stadium!.areaKm2).toBeLessThan(1.4);
    // MultiPolygon: the union of both parts' cells.
    const doc = JSON.parse(await readFile(IN, 'utf8'));
    const parts = doc.features[2].geometry.coordinates.map((rings: number[][][]) => areaCells({ type: 'Polygon', coordinates: rings }, 9).cells);
    expect(parks!.cells).toEqual([...new Set(parts.flat())].sort());
    expect(parts[0].length).toBeGreaterThan(2);
    expect(parts[1].length).toBeGreaterThan(2);
    // Too small to hold a cell centre: the cell of its centroid.
    expect(kiosk).toMatchObject({ centroidFallback: true, cells: [latLngToCell(45.4701, 9.2001, 9)] });
  });

  it('cells follow the resolution', async () => {
    const [r8, r9] = await Promise.all([readAreasFile(IN, 8), readAreasFile(IN, 9)]);
    expect(r8[0]!.cells.length).toBeLessThan(r9[0]!.cells.length);
    expect(r8[0]!.resolution).toBe(8);
  });

  const ring = [[9.18, 45.46], [9.19, 45.46], [9.19, 45.47], [9.18, 45.47], [9.18, 45.46]];
  const ok = (props: Record<string, unknown>, geometry: unknown = { type: 'Polygon', coordinates: [ring] }) => ({ type: 'Feature', properties: props, geometry });
  const bad: [string, unknown, RegExp][] = [
    ['not GeoJSON', [1, 2], /expected a GeoJSON FeatureCollection, got an array/],
    ['no features', { type: 'FeatureCollection', features: [] }, /no features/],
    ['missing id', [ok({ capacity: 10 })], /^feature 0: missing id/],
    ['duplicate id', [ok({ id: 'a', capacity: 10 }), ok({ id: 'a', capacity: 10 })], /^feature 1 \(id "a"\): duplicate id \(also feature 0\)/],
    ['no capacity', [ok({ id: 'a', capacity: 10 }), ok({ id: 'b' })], /^feature 1 \(id "b"\): "capacity" must be an integer number of people ≥ 1, got nothing/],
    ['capacity as text', [ok({ id: 'a', capacity: '1000' })], /^feature 0 \(id "a"\): "capacity" .* got "1000"/],
    ['point geometry', [ok({ id: 'a', capacity: 10 }, { type: 'Point', coordinates: [9, 45] })], /^feature 0 \(id "a"\): geometry must be Polygon or MultiPolygon, got "Point"/],
    ['unclosed ring', [ok({ id: 'a', capacity: 10 }, { type: 'Polygon', coordinates: [ring.slice(0, 4).concat([[9.18, 45.461]])] })], /ring 0 is not closed/],
    ['latitude out of range', [ok({ id: 'a', capacity: 10 }, { type: 'Polygon', coordinates: [ring.map(([x]) => [x, 95])] })], /^feature 0 \(id "a"\): ring 0 position 0 \[9\.18, 95\] is out of range \(GeoJSON is \[lon, lat\] in degrees\)/],
    ['bow tie', [ok({ id: 'bow', capacity: 10 }, { type: 'Polygon', coordinates: [[[9.18, 45.46], [9.19, 45.47], [9.19, 45.46], [9.18, 45.47], [9.18, 45.46]]] })], /^feature 0 \(id "bow"\): polygon crosses itself near/],
    ['levels as percent', [ok({ id: 'a', capacity: 10, levels: { warning: 80 } })], /"levels.warning" must be a fraction of capacity > 0 \(e\.g\. 0\.8 for 80 %\), got 80/],
    ['levels out of order', [ok({ id: 'a', capacity: 10, levels: { notice: 0.9 } })], /levels must ascend/],
    ['unknown level', [ok({ id: 'a', capacity: 10, levels: { severe: 0.9 } })], /unknown key "severe"/],
    ['negative scale', [ok({ id: 'a', capacity: 10, scale: -2 })], /"scale" \(people per device\) must be a number > 0, got -2/],
    ['zero density limit', [ok({ id: 'a', capacity: 10, density_limit: 0 })], /"density_limit" \(people\/km²\) must be a number > 0, got 0/],
  ];
  for (const [name, input, msg] of bad) {
    it(`rejects ${name} with a message naming the feature`, () => {
      const doc = Array.isArray(input) && (input as unknown[]).every((f) => typeof f === 'object' && f !== null && 'type' in f) ? { type: 'FeatureCollection', features: input } : input;
      let err: unknown;
      try {
        parseAreas(doc);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(AreaError);
      expect((err as Error).message).toMatch(msg);
    });
  }

  it('names the file when reading one', async () => {
    await expect(readAreasFile('/nonexistent/areas.geojson')).rejects.toThrow(/^\/nonexistent\/areas\.geojson: cannot read/);
  });
});

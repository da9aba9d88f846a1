import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { booleanPointInPolygon } from '@turf/turf';
import { cellToLatLng, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { loadQuery, runQuery } from '../../src/sql/index.ts';
import { mapZoneCells } from '../../src/zones/map-zone-cells.ts';
import { readZoneFeatures } from '../../src/zones/read-zone-features.ts';
import { ZoneError } from '../../src/zones/zone-error.ts';

/** The real Milan NIL districts, read in place (never copied into the repository). */
const MILAN = join(import.meta.dirname, '../../../shared/data/milan/nil_districts.geojson');
const hasMilan = existsSync(MILAN);

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on('data', (c: Buffer) => chunks.out.push(c));
  err.on('data', (c: Buffer) => chunks.err.push(c));
  const code = await main(argv, { env: {}, stdout: out, stderr: err, stdin: Readable.from(['']), signal: new AbortController().signal });
  return { code, out: Buffer.concat(chunks.out).toString(), err: Buffer.concat(chunks.err).toString() };
}

const square = (lon: number, lat: number, d: number) => [
  [
    [lon, lat],
    [lon + d, lat],
    [lon + d, lat + d],
    [lon, lat + d],
    [lon, lat],
  ],
];
const fc = (features: object[]) => ({ type: 'FeatureCollection', features });
const feature = (properties: object, coordinates: unknown, type = 'Polygon') => ({ type: 'Feature', properties, geometry: { type, coordinates } });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-zones-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!hasMilan)('Milan NIL districts', () => {
  const read = () => readZoneFeatures(JSON.parse(readFileSync(MILAN, 'utf8')));

  it('detects ID_NIL and NIL', () => {
    const r = read();
    expect(r.zones).toHaveLength(88);
    expect([r.idProp, r.nameProp]).toEqual(['ID_NIL', 'NIL']);
    expect(r.zones.find((z) => z.name === 'DUOMO')?.id).toBe('1');
  });

  it('every district gets cells, no cell is in two districts, cell area ≈ district area, centres inside', () => {
    const { zones } = read();
    const mapped = mapZoneCells(zones, { res: 9 });
    expect(mapped.empty).toEqual([]);
    expect(mapped.overlaps).toBe(0);
    const all = mapped.cells.flatMap((z) => z.h3);
    expect(new Set(all).size).toBe(all.length);
    expect(mapped.cells.every((z) => z.h3.length > 0)).toBe(true);
    const districtKm2 = zones.reduce((s, z) => s + z.areaKm2, 0);
    expect(districtKm2).toBeGreaterThan(170);
    expect(Math.abs(mapped.cellAreaKm2 - districtKm2) / districtKm2).toBeLessThan(0.03);
    for (const { zone, h3 } of mapped.cells) {
      for (const c of h3) {
        const [lat, lng] = cellToLatLng(c);
        expect(booleanPointInPolygon([lng, lat], zone.geometry), `${c} in ${zone.name}`).toBe(true);
      }
    }
  });

  it('citypulse zones load: tables filled, reload replaces, queries see the zones', async () => {
    const dbPath = join(dir, 'milan.duckdb');
    const first = await cli(['zones', 'load', MILAN, '--name', 'milan_nil', '--db', dbPath]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/88 zones of nil_districts\.geojson → zone system "milan_nil".*\(id: ID_NIL, name: NIL\)/);
    expect(first.out).toMatch(/\d+ H3 cells at res 9 by centre/);
    const again = await cli(['zones', 'load', MILAN, '--name', 'milan_nil', '--db', dbPath]);
    expect(again.code).toBe(0);
    expect((await cli(['zones', 'load', MILAN, '--name', 'copy', '--db', dbPath])).code).toBe(0);
    const db = await openDatabase(dbPath);
    try {
      const counts = await db.connection.runAndReadAll(
        `SELECT zone_system, count(*), count(DISTINCT h3), count(DISTINCT zone_id) FROM zone_cells GROUP BY 1 ORDER BY 1`,
      );
      const [copy, milan] = counts.getRowsJS() as [string, bigint, bigint, bigint][];
      expect(milan![0]).toBe('milan_nil');
      expect(milan![1]).toBe(milan![2]); // no cell twice
      expect(milan![3]).toBe(88n);
      expect(copy![1]).toBe(milan![1]); // the reload replaced, the other system is separate
      // People in the Duomo cell show up in zone DUOMO.
      const duomo = latLngToCell(45.4641, 9.1919, 9);
      await db.connection.run(`INSERT INTO presence VALUES ('2026-03-02T08:00:00Z', '2026-03-02T08:15:00Z', ${BigInt('0x' + duomo)}, 9, 40, 40, 80)`);
      const totals = await runQuery(db.connection, loadQuery('zone_totals'), { zone_system: 'milan_nil' });
      expect(totals.rows).toHaveLength(88);
      const row = totals.rows.find((r) => r[1] === 'DUOMO')!;
      expect([row[4], row[6]]).toEqual([1n, 40n]);
    } finally {
      db.close();
    }
    const list = await cli(['zones', 'list', '--db', dbPath]);
    expect(list.out).toMatch(/^milan_nil {2}88 zones, \d+ cells, 18\d\.\d km²$/m);
  });
});

describe('zones file checks', () => {
  it('detects id/name, falls back to the feature id and to the id as name', () => {
    const a = readZoneFeatures(fc([feature({ id: 'a', name: 'Alpha' }, square(9, 45, 0.01)), feature({ id: 'b', name: 'Beta' }, square(9.02, 45, 0.01))]));
    expect([a.idProp, a.nameProp, a.zones.map((z) => z.name)]).toEqual(['id', 'name', ['Alpha', 'Beta']]);
    const b = readZoneFeatures(fc([{ ...feature({ other: 1 }, square(9, 45, 0.01)), id: 7 }]));
    expect([b.idProp, b.nameProp, b.zones[0]!.id, b.zones[0]!.name]).toEqual(['feature.id', null, '7', '7']);
  });

  it('bad geometry: errors name the feature', () => {
    const props = { id: 'z1', name: 'Centro' };
    const bad = (geometry: unknown) => () => readZoneFeatures(fc([{ type: 'Feature', properties: props, geometry }]));
    expect(bad({ type: 'Point', coordinates: [9, 45] })).toThrow(/feature #1 \(id=z1, "Centro"\): is a Point; zones must be Polygon or MultiPolygon/);
    expect(bad(null)).toThrow(/feature #1 \(id=z1, "Centro"\): has no geometry/);
    expect(bad({ type: 'Polygon', coordinates: [[[9, 45], [9.1, 45], [9, 45]]] })).toThrow(/ring 1 of polygon 1 has 3 positions/);
    expect(bad({ type: 'Polygon', coordinates: square(514000, 5034000, 1000) })).toThrow(/not longitude\/latitude; reproject .*EPSG:4326/);
    expect(bad({ type: 'MultiPolygon', coordinates: [square(9, 45, 0.01), [[[9, 'x']]]] })).toThrow(/polygon 2 has a position that is not \[longitude, latitude\]/);
    try {
      bad({ type: 'LineString', coordinates: [] })();
    } catch (e) {
      expect(e).toBeInstanceOf(ZoneError);
      expect((e as ZoneError).zoneId).toBe('z1');
    }
  });

  it('ids: missing, duplicate, undetectable; projected CRS; not a FeatureCollection', () => {
    const two = fc([feature({ code: 'x' }, square(9, 45, 0.01)), feature({ code: 'x' }, square(9.02, 45, 0.01))]);
    expect(() => readZoneFeatures(two, { idProp: 'code' })).toThrow(/features #1 and #2 have the same code "x"/);
    expect(() => readZoneFeatures(two)).toThrow(/cannot tell which property identifies the zones.*--id-prop \(properties: code\)/);
    expect(() => readZoneFeatures(fc([feature({ a: 1 }, square(9, 45, 0.01))]), { idProp: 'zone' })).toThrow(/feature #1 has no zone \(properties: a\)/);
    expect(() => readZoneFeatures({ ...fc([]), crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32632' } } })).toThrow(/EPSG::32632.*WGS84/);
    expect(() => readZoneFeatures({ type: 'Polygon' })).toThrow(/must be a GeoJSON FeatureCollection/);
  });

  it('overlapping zones: an error naming both, or the first keeps the shared cells', () => {
    const { zones } = readZoneFeatures(fc([feature({ id: 'a', name: 'A' }, square(9, 45, 0.02)), feature({ id: 'b', name: 'B' }, square(9.01, 45, 0.02))]));
    expect(() => mapZoneCells(zones)).toThrow(/features #1 \(a, "A"\) and #2 \(b, "B"\) overlap: the centre of cell \w+ lies in both/);
    const first = mapZoneCells(zones, { onOverlap: 'first' });
    expect(first.overlaps).toBeGreaterThan(0);
    const all = first.cells.flatMap((z) => z.h3);
    expect(new Set(all).size).toBe(all.length);
  });

  it('a zone thinner than a hexagon gets no cell and is reported', () => {
    const { zones } = readZoneFeatures(fc([feature({ id: 'big' }, square(9, 45, 0.02)), feature({ id: 'tiny' }, square(9.1, 45, 0.0001))]));
    expect(mapZoneCells(zones).empty).toEqual(['tiny']);
  });

  it('CLI: bad file, missing --name, help', async () => {
    const path = join(dir, 'bad.geojson');
    writeFileSync(path, JSON.stringify(fc([feature({ id: 'z9', name: 'Nine' }, [9, 45], 'Point')])));
    const r = await cli(['zones', 'load', path, '--name', 'x', '--db', join(dir, 'x.duckdb')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/feature #1 \(id=z9, "Nine"\): is a Point/);
    expect((await cli(['zones', 'load', path, '--db', join(dir, 'x.duckdb')])).err).toMatch(/--name is required/);
    const help = await cli(['zones', 'load', '--help']);
    expect(help.out).toMatch(/CENTRE lies inside its polygon/);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOBILITY_TABLES_SQL } from '../../src/mobility/duckdb/mobility-schema.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { storeZoneSystem } from '../../src/outputs/duckdb/store-zone-system.ts';
import { POPULATION_TABLES_SQL } from '../../src/population/duckdb/population-schema.ts';
import { mapZoneCells } from '../../src/zones/map-zone-cells.ts';
import { readZoneFeatures } from '../../src/zones/read-zone-features.ts';
import { cli } from '../support/cli.ts';
import { ApiError } from '../../src/outputs/http/api-error.ts';
import type { ApiContext } from '../../src/outputs/http/api-routes.ts';
import { populationRoutes } from '../../src/outputs/http/population-routes.ts';
import { QueryRunner } from '../../src/outputs/http/query-runner.ts';
import type { Footprint } from '../../src/locate/footprint-model.ts';
import { readPopulationInput } from '../../src/population/duckdb/read-population-input.ts';
import { resolvePopulationConfig } from '../../src/population/engine/population-config.ts';
import { buildPopulation } from '../../src/population/export/build-population.ts';

const GOLDEN = new URL('./golden/', import.meta.url).pathname;
const REGEN = process.env.REGEN === '1';
function golden(name: string, text: string) {
  const path = join(GOLDEN, name);
  if (REGEN || !existsSync(path)) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

const H = 3_600_000;
const MON = Date.UTC(2026, 2, 2);
const at = (d: number, h: number) => MON + d * 24 * H + h * H;
const W = { lat: 45.46, lng: 9.14 }, E = { lat: 45.46, lng: 9.22 };
const square = (id: string, lng0: number, lng1: number) => ({
  type: 'Feature', properties: { id, name: id === 'W' ? 'West' : 'East' },
  geometry: { type: 'Polygon', coordinates: [[[lng0, 45.42], [lng1, 45.42], [lng1, 45.5], [lng0, 45.5], [lng0, 45.42]]] },
});

const dir = mkdtempSync(join(tmpdir(), 'citypulse-population-'));
const dbPath = join(dir, 'pop.duckdb');

/**
 * Hand-made fixture: r1–r6 live in W and work in E (Mon–Thu), r7–r9 live in E and spend Tuesday
 * afternoon in W, f1–f3 are French roamers (MCC 208) spending two afternoons in E.
 * Expected (k = 3): W residents 6, day visitors 3 (origin E); E residents 3, workers 6, roamers 3 (FR).
 */
beforeAll(async () => {
  const db = await openDatabase(dbPath);
  const c = db.connection;
  await c.run(MOBILITY_TABLES_SQL);
  await c.run(POPULATION_TABLES_SQL);
  const rows: string[] = [];
  const stay = (dev: string, p: { lat: number; lng: number }, s: number, e: number) => {
    const h = BigInt('0x' + latLngToCell(p.lat, p.lng, 8)).toString();
    rows.push(`('${dev}', make_timestamptz(${s * 1000}), make_timestamptz(${e * 1000}), make_timestamptz(${e * 1000}), ${h}, ${p.lat}, ${p.lng}, 10, 0, 'cell', 'departure')`);
  };
  for (let i = 1; i <= 9; i++) {
    const home = i <= 6 ? W : E;
    for (let d = 0; d < 4; d++) {
      stay(`r${i}`, home, at(d, 18), at(d + 1, 7.5));
      if (i <= 6) stay(`r${i}`, E, at(d + 1, 8.5), at(d + 1, 17));
    }
    if (i > 6) stay(`r${i}`, W, at(1, 13), at(1, 16));
  }
  for (let i = 1; i <= 3; i++) for (const d of [1, 2]) stay(`f${i}`, E, at(d, 13), at(d, 17));
  await c.run(`INSERT INTO stays VALUES ${rows.join(',\n')}`);
  await c.run(`INSERT INTO device_mcc (device, mcc) VALUES ${[...Array(9)].map((_, i) => `('r${i + 1}', '222')`).join(',')}, ('f1','208'), ('f2','208'), ('f3','208')`);
  // Transit evidence: the three roamers are seen in W (no stay there), r7 in its home zone E (not transit).
  const cell = (p: { lat: number; lng: number }) => BigInt('0x' + latLngToCell(p.lat, p.lng, 8)).toString();
  await c.run(`INSERT INTO device_cells VALUES ${['f1', 'f2', 'f3'].map((d) => `(make_timestamptz(${at(2, 0) * 1000}), '${d}', ${cell(W)})`).join(',')},
    (make_timestamptz(${at(2, 0) * 1000}), 'r7', ${cell(E)})`);
  const { zones } = readZoneFeatures({ type: 'FeatureCollection', features: [square('W', 9.1, 9.18), square('E', 9.18, 9.26)] } as never, { idProp: 'id', nameProp: 'name' });
  await storeZoneSystem(c, 'test', mapZoneCells(zones, { res: 9, onOverlap: 'first' }));
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('citypulse export population / origins', () => {
  it('hand-computed population per zone, golden CSV and GeoJSON', async () => {
    const out = join(dir, 'population.csv');
    const r = await cli(['export', 'population', '--db', dbPath, '--zones', 'test', '--k', '3', '--market-share', '0.5', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/population 2 zones/);
    expect(r.stdout).toMatch(/home MCC 222 \(not configured: the MCC seen most in the input\)/);
    const csv = readFileSync(out, 'utf8');
    expect(csv.split('\n')[1]).toBe('E,3,6,3,0,0,3,0,9,2,6,12,6,18');
    expect(csv.split('\n')[2]).toBe('W,6,0,3,3,0,0,3,6,2,12,0,6,12');
    golden('population.csv', csv);
    const gj = join(dir, 'population.geojson');
    expect((await cli(['export', 'population', '--db', dbPath, '--zones', 'test', '--k', '3', '--out', gj])).code).toBe(0);
    golden('population.geojson', readFileSync(gj, 'utf8'));
  }, 60_000);

  it('origins: home zone and roamer country; k-safe drop of a whole zone', async () => {
    const out = join(dir, 'origins.csv');
    const r = await cli(['export', 'origins', '--db', dbPath, '--zones', 'test', '--k', '3', '--home-mcc', '222', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/home MCC 222 \(--home-mcc\)/);
    golden('origins.csv', readFileSync(out, 'utf8'));
    expect(readFileSync(out, 'utf8')).toBe('zone,origin,visitors,visitors_expanded\nE,FR,3,3\nW,E,3,3\n');
    // k = 4: every label of both zones is 3 → both zones dropped whole, nothing by difference.
    const r4 = await cli(['export', 'population', '--db', dbPath, '--zones', 'test', '--k', '4', '--out', join(dir, 'p4.csv')]);
    expect(r4.stdout).toMatch(/population 0 zones .* 2 zones dropped whole/);
  }, 60_000);

  it('--by day: hand-computed per local day, home and work from the whole period, each day released on its own', async () => {
    const out = join(dir, 'population-by-day.csv');
    const r = await cli(['export', 'population', '--db', dbPath, '--zones', 'test', '--k', '3', '--by', 'day', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/population 10 rows \(5 days × zones\)/);
    const zero = (z: string, res: number) => `${z},${res},0,0,0,0,0,0,${res},1,${res},0,0,${res}`;
    // Mon: everyone at home from 18:00. Tue: r1–r6 at work in E, r7–r9 visit W in the afternoon, the
    // roamers in E, and their device_cells day (UTC Tue) puts them in transit in W. Wed: workers and
    // roamers in E. Thu, Fri: workers in E.
    expect(readFileSync(out, 'utf8').trim().split('\n')).toEqual([
      'day,zone,residents,workers,visitors,day_visitors,overnight_visitors,roamers,transit,served,factor,residents_expanded,workers_expanded,visitors_expanded,served_expanded',
      `2026-03-02,${zero('E', 3)}`, `2026-03-02,${zero('W', 6)}`,
      '2026-03-03,E,3,6,3,0,0,3,0,9,1,3,6,3,9', '2026-03-03,W,6,0,3,3,0,0,3,6,1,6,0,3,6',
      '2026-03-04,E,3,6,3,0,0,3,0,9,1,3,6,3,9', `2026-03-04,${zero('W', 6)}`,
      '2026-03-05,E,3,6,0,0,0,0,0,9,1,3,6,0,9', `2026-03-05,${zero('W', 6)}`,
      '2026-03-06,E,3,6,0,0,0,0,0,9,1,3,6,0,9', `2026-03-06,${zero('W', 6)}`,
    ]);
    golden('population-by-day.csv', readFileSync(out, 'utf8'));
    const org = join(dir, 'origins-by-day.csv');
    expect((await cli(['export', 'origins', '--db', dbPath, '--zones', 'test', '--k', '3', '--by', 'day', '--out', org])).code).toBe(0);
    expect(readFileSync(org, 'utf8')).toBe('day,zone,origin,visitors,visitors_expanded\n2026-03-03,E,FR,3,3\n2026-03-03,W,E,3,3\n2026-03-04,E,FR,3,3\n');
    // Days are local: in Tokyo (UTC+9) the first stay (Mon 18:00 UTC) is on Tuesday, the last end (Fri 17:00 UTC) on Saturday.
    const tokyo = join(dir, 'population-tokyo.csv');
    expect((await cli(['export', 'population', '--db', dbPath, '--zones', 'test', '--k', '3', '--by', 'day', '--time-zone', 'Asia/Tokyo', '--out', tokyo])).code).toBe(0);
    expect([...new Set(readFileSync(tokyo, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]))]).toEqual(['2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07']);
    // k = 4: a zone-day with a label of 3 is dropped whole (E every day, W on Tuesday's 3 visitors).
    const r4 = await cli(['export', 'population', '--db', dbPath, '--zones', 'test', '--k', '4', '--by', 'day', '--out', join(dir, 'p4-day.csv')]);
    expect(r4.stdout).toMatch(/population 4 rows .* 6 zone-days dropped whole/);
    expect(readFileSync(join(dir, 'p4-day.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 2).join())).toEqual(['2026-03-02,W', '2026-03-04,W', '2026-03-05,W', '2026-03-06,W']);
  }, 60_000);

  it('names the bad flag', async () => {
    const r = await cli(['export', 'population', '--db', dbPath, '--zones', 'nope', '--out', join(dir, 'x.csv')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--zones nope: no such zone system/);
    const r2 = await cli(['export', 'origins', '--db', dbPath, '--res', '7', '--time-zone', 'Mars/Base', '--out', join(dir, 'x.csv')]);
    expect(r2.stderr).toMatch(/--time-zone/);
    const r3 = await cli(['export', 'population', '--db', dbPath, '--zones', 'test', '--by', 'week', '--out', join(dir, 'x.csv')]);
    expect(r3.stderr).toMatch(/--by must be period or day, got week/);
    expect((await cli(['export', 'population', '--help'])).stdout).toMatch(/Usage: citypulse export population/);
  }, 60_000);
});

describe('residents and workers shared over footprints', () => {
  // Every stay of the fixture is cell-only. The footprint of E's point lies ¾ in E and ¼ in W (four
  // equal samples); W's point has none (counted whole). W and E are squares of equal area.
  const EP: Footprint = { lat: Float64Array.of(45.46, 45.46, 45.46, 45.46), lng: Float64Array.of(9.22, 9.22, 9.22, 9.14), w: Float64Array.of(0.25, 0.25, 0.25, 0.25) };
  const footprints = (_lat: number, lng: number) => (lng > 9.18 ? EP : null);

  it('by hand: two rounds of zone densities, then each device by its posterior, rounded per zone', async () => {
    const db = await openDatabase(dbPath, { readOnly: true });
    try {
      const input = await readPopulationInput(db.connection, { zones: 'test' });
      const byZone = (rounds: number) => {
        const r = buildPopulation(input, { config: resolvePopulationConfig(), k: 3, footprints, densityRounds: rounds });
        return Object.fromEntries(r.zones.map((z) => [z.zone, [z.residents, z.workers]]));
      };
      // Homes: r1–r6 whole in W; r7–r9 {E ¾, W ¼}. By area alone (0 rounds): E 2.25 → 2, W 6.75 → 7.
      // Work places: r1–r6 at E's point, {E ¾, W ¼}; a W share is home for them: E 6 × ¾ = 4.5 → 5 (JS rounds half up), W 0.
      expect(byZone(0)).toEqual({ E: [2, 5], W: [7, 0] });
      // Round 1: N(W) 6.75, N(E) 2.25; round 2: P(E) = .75·2.25 / (.75·2.25 + .25·6.75) = 0.5 → N(E) 1.5,
      // N(W) 7.5; counted with P(E) = .75·1.5 / (.75·1.5 + .25·7.5) = 0.375: E 1.125 → 1, W 7.875 → 8.
      // Work: N(E) 4.5 → P(E) = .75·4.5 / (.75·4.5 + .25·1.5) = 0.9 → N(E) 5.4, N(W) 0.6;
      // P(E) = .75·5.4 / (.75·5.4 + .25·0.6) = 0.964: E 5.79 → 6.
      expect(byZone(2)).toEqual({ E: [1, 6], W: [8, 0] });
      // Whole (no footprints): as the golden export.
      const whole = buildPopulation(input, { config: resolvePopulationConfig(), k: 3 });
      expect(Object.fromEntries(whole.zones.map((z) => [z.zone, [z.residents, z.workers]]))).toEqual({ E: [3, 6], W: [6, 0] });
    } finally {
      db.close();
    }
  });

  it('--cells names an unreadable file', async () => {
    const r = await cli(['export', 'population', '--db', dbPath, '--zones', 'test', '--cells', join(dir, 'no-such-cells.csv'), '--out', join(dir, 'x.csv')]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/--cells .*no-such-cells\.csv/);
  }, 60_000);
});

describe('GET /api/v1/population and /api/v1/origins', () => {
  it('serve the same k-safe figures as the exports; k below the server k is refused', async () => {
    const db = await openDatabase(dbPath, { readOnly: true });
    try {
      // Only the fields these routes read; the runner is the real one over the real database.
      const ctx = { runner: new QueryRunner({ connection: db.connection }), k: 3, cacheSeconds: 0 } as unknown as ApiContext;
      const routes = new Map(populationRoutes(ctx).map((r) => [r.path, r]));
      const get = async (path: string, q: string) => JSON.parse(String((await routes.get(path)!.handler({ params: {}, query: new URLSearchParams(q) })).body));
      const pop = await get('/api/v1/population', 'zones=test');
      expect(pop.k).toBe(3);
      expect(pop.zones.map((z: { zone: string; residents: number; workers: number; roamers: number }) => [z.zone, z.residents, z.workers, z.roamers])).toEqual([['E', 3, 6, 3], ['W', 6, 0, 0]]);
      expect((await get('/api/v1/origins', 'zones=test')).origins).toEqual([{ zone: 'E', origin: 'FR', visitors: 3 }, { zone: 'W', origin: 'E', visitors: 3 }]);
      expect((await get('/api/v1/population', 'zones=test&k=4')).zones).toEqual([]);
      // by=day: the same days as `export population --by day`.
      const days = await get('/api/v1/population', 'zones=test&by=day');
      expect(days.days.map((d: { day: string; zones: { zone: string; workers: number; visitors: number }[] }) => [d.day, d.zones.map((z) => [z.zone, z.workers, z.visitors])])).toEqual([
        ['2026-03-02', [['E', 0, 0], ['W', 0, 0]]], ['2026-03-03', [['E', 6, 3], ['W', 0, 3]]], ['2026-03-04', [['E', 6, 3], ['W', 0, 0]]],
        ['2026-03-05', [['E', 6, 0], ['W', 0, 0]]], ['2026-03-06', [['E', 6, 0], ['W', 0, 0]]],
      ]);
      expect((await get('/api/v1/origins', 'zones=test&by=day')).days.map((d: { day: string; origins: unknown[] }) => [d.day, d.origins.length])).toEqual([
        ['2026-03-02', 0], ['2026-03-03', 2], ['2026-03-04', 1], ['2026-03-05', 0], ['2026-03-06', 0],
      ]);
      await expect(get('/api/v1/population', 'zones=test&by=week')).rejects.toThrow(/by must be period or day/);
      await expect(get('/api/v1/population', 'zones=test&k=2')).rejects.toBeInstanceOf(ApiError);
      await expect(get('/api/v1/population', 'zones=nope')).rejects.toThrow(/no such zone system/);
    } finally {
      db.close();
    }
  }, 60_000);
});

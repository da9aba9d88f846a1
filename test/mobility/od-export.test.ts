import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryOdHourly } from '../../src/mobility/duckdb/query-od-hourly.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { loadQuery, runQuery } from '../../src/sql/index.ts';
import { cli } from '../support/cli.ts';
import { buildCommuterDb } from './commuter-db.ts';

const GOLDEN = new URL('./golden/', import.meta.url).pathname;
const REGEN = process.env.REGEN === '1';
const dir = mkdtempSync(join(tmpdir(), 'citypulse-od-'));
const db = join(dir, 'od.duckdb');

/** Compares with the golden file, or rewrites it under REGEN=1 (open the .geojson on a map to review). */
function golden(name: string, text: string) {
  const path = join(GOLDEN, name);
  if (REGEN || !existsSync(path)) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

let streamingOd: { hour: number; origin: string; destination: string; trips: number }[] = [];

beforeAll(async () => {
  streamingOd = await buildCommuterDb(db);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('OD from the trajectory tables', () => {
  it('the hourly OD the consumer published (streaming) equals the OD recomputed from trips (batch)', async () => {
    const d = await openDatabase(db, { readOnly: true });
    try {
      const batch = await queryOdHourly(d.connection, { space: { res: 8 }, variant: 'consecutive' });
      const streamed = (await d.connection.runAndReadAll(
        `SELECT lower(hex(origin)), lower(hex(destination)), epoch_ms(departure_hour), sum(trips)::INTEGER FROM od_h3_hourly GROUP BY ALL ORDER BY 3, 1, 2`,
      )).getRowsJS().map(([o, dd, h, t]) => ({ origin: String(o), destination: String(dd), hour: Number(h), trips: Number(t) }));
      expect(batch.cells.length).toBeGreaterThan(2);
      expect(streamed).toEqual(batch.cells);
      expect(streamingOd.reduce((s, x) => s + x.trips, 0)).toBe(batch.cells.reduce((s, x) => s + x.trips, 0));
    } finally {
      d.close();
    }
  });

  it('export od --zones --by hour --k 2 --format csv: golden', async () => {
    const out = join(dir, 'od-hour.csv');
    const r = await cli(['export', 'od', '--db', db, '--zones', 'two', '--by', 'hour', '--k', '2', '--format', 'csv', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/release {2}20 trips, \d+ withheld below k=2/);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\n')[0]).toBe('origin,destination,departure_hour,trips,trips_expanded,origin_lat,origin_lng,destination_lat,destination_lng');
    golden('od-two-hour-k2.csv', text);
  });

  it('export od --by total as GeoJSON flow lines, and --res 7 --by day with a market share: golden', async () => {
    const gj = join(dir, 'od.geojson'), csv = join(dir, 'od-res7.csv');
    expect((await cli(['export', 'od', '--db', db, '--zones', 'two', '--by', 'total', '--k', '2', '--format', 'geojson', '--out', gj])).code).toBe(0);
    const fc = JSON.parse(readFileSync(gj, 'utf8')) as { features: { geometry: { type: string }; properties: { trips: number } }[] };
    expect(fc.features.some((f) => f.geometry.type === 'LineString')).toBe(true);
    for (const f of fc.features) expect(f.properties.trips).toBeGreaterThanOrEqual(2);
    golden('od-two-total-k2.geojson', readFileSync(gj, 'utf8'));
    expect((await cli(['export', 'od', '--db', db, '--res', '7', '--by', 'day', '--k', '3', '--market-share', '0.25', '--out', csv])).code).toBe(0);
    const rows = readFileSync(csv, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    for (const r of rows) expect(Number(r[4])).toBe(Number(r[3]) / 0.25);
    golden('od-res7-day-k3.csv', readFileSync(csv, 'utf8'));
  });

  it('all-pairs counts every ordered pair of a device’s stays within a day', async () => {
    const d = await openDatabase(db, { readOnly: true });
    try {
      const all = await queryOdHourly(d.connection, { space: { zones: 'two' }, variant: 'all-pairs' });
      const cons = await queryOdHourly(d.connection, { space: { zones: 'two' }, variant: 'consecutive' });
      const sum = (c: typeof all.cells) => c.reduce((s, x) => s + x.trips, 0);
      // Stays home, work, home: pairs h→w, w→h (h→h is the same place) — here all-pairs equals consecutive.
      expect(sum(cons.cells)).toBe(20);
      expect(sum(all.cells)).toBe(20);
    } finally {
      d.close();
    }
  });

  it('sql/od_matrix.sql gives the hourly zone OD with pairs below k left out', async () => {
    const d = await openDatabase(db, { readOnly: true });
    try {
      const r = await runQuery(d.connection, loadQuery('od_matrix'), { zone_system: 'two', k: 3 });
      const got = r.rows.map((row) => [(row[0] as Date).toISOString(), row[1], row[2], Number(row[3])]);
      const cells = (await queryOdHourly(d.connection, { space: { zones: 'two' }, variant: 'consecutive' })).cells;
      expect(got).toEqual(cells.filter((c) => c.trips >= 3).map((c) => [new Date(c.hour).toISOString(), c.origin, c.destination, c.trips]));
      expect(got).toEqual([
        ['2026-03-02T07:00:00.000Z', 'W', 'E', 6],
        ['2026-03-02T11:00:00.000Z', 'E', 'W', 3],
        ['2026-03-02T12:00:00.000Z', 'E', 'W', 5],
      ]);
    } finally {
      d.close();
    }
  });

  it('names the flag or file in its errors', async () => {
    const both = await cli(['export', 'od', '--db', db, '--zones', 'two', '--res', '7', '--format', 'csv', '--out', join(dir, 'x.csv')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('exactly one of --zones NAME or --res R');
    const res = await cli(['export', 'od', '--db', db, '--res', '9', '--out', join(dir, 'x.csv')]);
    expect(res.stderr).toContain('--res must be an integer in [0, 8]');
    const zones = await cli(['export', 'od', '--db', db, '--zones', 'nope', '--out', join(dir, 'x.csv')]);
    expect(zones.stderr).toContain('--zones nope: no such zone system');
    const help = await cli(['export', 'od', '--help']);
    expect(help.stdout).toContain('departure_hour');
  });
});

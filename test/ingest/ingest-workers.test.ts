// `ingest --workers N`: windows and device consumers on N threads, devices split between them, the
// main thread deciding lateness and dead letters. The result must be the single-threaded one, table
// by table and row by row (hourly OD and area visitors summed: they come as per-worker partials;
// alerts, decided on the main thread from the merged windows, without ids and wall-clock times) —
// on a simulated city with every device consumer and watched areas, and on a scenario with late
// events and bad lines.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { disc } from '../http/fixture.ts';
import { cli } from '../support/cli.ts';
import { compareTables } from '../support/compare-tables.ts';
import { writeSyntheticScenario } from '../support/synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'citypulse-ingest-workers-'));
const env = { CITYPULSE_KEY: 'a3f1c2e4b5d6a7980112233445566778' };
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Tables whose rows come as per-worker partials (as per partition under `stream`) are compared
// summed; alerts without their ids and wall-clock times.
const SUMS = {
  od_h3_hourly: 'SELECT departure_hour, origin, destination, sum(trips) AS trips FROM {T} GROUP BY ALL',
  area_visitors: 'SELECT window_start, window_end, area_id, origin, sum(visitors) AS visitors FROM {T} GROUP BY ALL',
  alerts: 'SELECT * EXCLUDE (alert_id, window_closed_at, emitted_at) FROM {T}',
};

async function ingest(from: string, cells: string, db: string, workers: string, extra: string[] = []) {
  const r = await cli(['ingest', '--from', from, '--cells', cells, '--db', db, '--workers', workers, ...extra], env);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe('ingest --workers', () => {
  it('a simulated city with watched areas: 1 and 2 window workers give every table of the single-threaded run', async () => {
    const sim = join(dir, 'sim');
    const s = await cli(['simulate', '--out', sim, '--subscribers', '600', '--bad-rate', '0.01', '--seed', '11'], env);
    expect(s.code, s.stderr).toBe(0);
    // Watched areas around the planted events, capacity low enough that alerts fire.
    const scenarios = JSON.parse(readFileSync(join(sim, 'truth', 'scenarios.json'), 'utf8')) as { id: string; zoneName: string; center: { lat: number; lon: number } }[];
    const areas = join(dir, 'areas.geojson');
    writeFileSync(areas, JSON.stringify({ type: 'FeatureCollection', features: scenarios.map((sc) => ({ type: 'Feature', properties: { id: sc.id, name: sc.zoneName, capacity: 5 }, geometry: { type: 'Polygon', coordinates: [disc(sc.center.lat, sc.center.lon, 1_000)] } })) }));
    const events = join(sim, 'events.ndjson');
    const cells = join(sim, 'cells.csv');
    await ingest(events, cells, join(dir, 'w0.duckdb'), '0', ['--areas', areas]);
    for (const w of ['1', '2']) {
      await ingest(events, cells, join(dir, `w${w}.duckdb`), w, ['--areas', areas]);
      const diff = await compareTables(join(dir, 'w0.duckdb'), join(dir, `w${w}.duckdb`), SUMS);
      for (const [t, d] of Object.entries(diff)) expect({ t, onlyA: d.onlyA, onlyB: d.onlyB }).toEqual({ t, onlyA: 0, onlyB: 0 });
      // Not vacuous: the layers the workers run produced rows, and bad lines were dead-lettered.
      for (const t of ['presence', 'stays', 'trips', 'traffic_hops', 'device_cells', 'device_mcc', 'dead_letters', 'area_visitors', 'alerts']) expect(diff[t]!.rowsB, t).toBeGreaterThan(0);
      for (const t of ['presence', 'stays', 'trips', 'traffic_hops', 'device_cells', 'dead_letters', 'alerts']) expect(diff[t]!.rowsB, t).toBe(diff[t]!.rowsA);
    }
  }, 240_000);

  it('late events and bad lines: decided on the main thread exactly as on one thread', async () => {
    const sc = writeSyntheticScenario(join(dir, 'late'), { seed: 99, devices: 300, events: 20_000, start: Date.UTC(2026, 2, 2, 5, 0), spacingMs: 700, jitterMs: 12 * 60_000, badEvery: 97 });
    const flags = ['--window', '5m', '--lateness', '2m'];
    await ingest(sc.events, sc.cells, join(dir, 'l0.duckdb'), '0', flags);
    await ingest(sc.events, sc.cells, join(dir, 'l2.duckdb'), '2', flags);
    const diff = await compareTables(join(dir, 'l0.duckdb'), join(dir, 'l2.duckdb'), SUMS);
    for (const [t, d] of Object.entries(diff)) expect({ t, onlyA: d.onlyA, onlyB: d.onlyB }).toEqual({ t, onlyA: 0, onlyB: 0 });
    expect(diff.late_events!.rowsA).toBeGreaterThan(100);
    expect(diff.dead_letters!.rowsA).toBeGreaterThan(100);
    expect(diff.presence!.rowsA).toBeGreaterThan(1_000);
  }, 120_000);

  it('a bad --workers exits 2 naming the flag', async () => {
    const sc = writeSyntheticScenario(join(dir, 'flag'), { seed: 1, devices: 10, events: 50, start: Date.UTC(2026, 2, 2), spacingMs: 1000, jitterMs: 0, badEvery: 0 });
    for (const bad of ['-1', 'two', '1.5', '999']) {
      const r = await cli(['ingest', '--from', sc.events, '--cells', sc.cells, '--db', join(dir, 'flag.duckdb'), '--workers', bad], env);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--workers');
    }
  });
});

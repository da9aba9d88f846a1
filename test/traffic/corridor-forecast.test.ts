// Corridor forecasts (citypulse forecast --corridor, /api/v1/forecast?corridor=): hand-made hops on
// one declared corridor over 8 days, flows and speeds known by construction.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gridPathCells, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { startHttpServer, type RunningHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { ensureTrafficTables, writeHops } from '../../src/traffic/duckdb/write-hops.ts';
import type { Hop } from '../../src/traffic/engine/hop.ts';
import { cli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'citypulse-corridor-forecast-'));
const db = join(dir, 'traffic.duckdb');
const corridorsFile = join(dir, 'corridors.json');
const START = Date.UTC(2026, 2, 2);
const DAYS = 8;
const CELLS = gridPathCells(latLngToCell(45.46, 9.15, 9), latLngToCell(45.46, 9.21, 9)).filter((_, i) => i % 2 === 0).slice(0, 5);
const ENTRIES = [0, 500, 1000, 1500, 2000];
/** Devices in 5-minute bin i: 8 from 07:00 to 19:00 UTC, else 6 (by construction). */
const devicesIn = (i: number) => ((i % 288) >= 84 && (i % 288) < 228 ? 8 : 6);
/** Their speeds: 6 devices → median 55 km/h, 8 devices → median 60 km/h. */
const SPEEDS = [40, 50, 60, 70, 80, 50, 60, 70];
const AT = '2026-03-09T08:00:00Z'; // day 8, inside the 8-device hours: the next hour is 8 devices at 60 km/h

function drive(device: string, kmh: number, entry500: number): Hop[] {
  const at = (i: number) => entry500 + Math.round(((ENTRIES[i]! - 500) / (kmh / 3.6)) * 1000);
  const hops: Hop[] = [];
  for (let i = 1; i + 1 < CELLS.length; i++) hops.push({ device, prev: CELLS[i - 1]!, h3: CELLS[i]!, next: CELLS[i + 1]!, enterTs: at(i), exitTs: at(i + 1) });
  return hops;
}

let srv: RunningHttpServer;
beforeAll(async () => {
  const hops: Hop[] = [];
  for (let i = 0; i < DAYS * 288; i++) {
    for (let j = 0; j < devicesIn(i); j++) hops.push(...drive(`d${i}-${j}`, SPEEDS[j]!, START + i * 300_000 + j * 1000));
  }
  const d = await openDatabase(db);
  try {
    await ensureTrafficTables(d.connection);
    await writeHops(d.connection, hops);
  } finally {
    d.close();
  }
  writeFileSync(corridorsFile, JSON.stringify({ corridors: [{ id: 'east', cells: CELLS, entries_m: ENTRIES, length_m: 2000 }] }));
  srv = await startHttpServer({ dbPath: db, port: 0, k: 5 });
});
afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Forecast = { corridor: string; metric: string; k: number; made_at: string; last_observed: number | null; rows: Record<string, number | string | null>[] };

describe('citypulse forecast --corridor', () => {
  it('flow: 12 five-minute steps; historical average and model give the 8 devices of the same slot', async () => {
    const r = await cli(['forecast', '--db', db, '--corridors', corridorsFile, '--corridor', 'east', '--k', '5', '--at', AT, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const f = JSON.parse(r.stdout) as Forecast;
    expect(f).toMatchObject({ corridor: 'east', metric: 'flow', k: 5, made_at: '2026-03-09T08:00:00.000Z', last_observed: 8 });
    expect(f.rows.map((x) => x.horizon_min)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
    expect(f.rows[0]!.slot_start).toBe('2026-03-09T08:00:00.000Z');
    for (const row of f.rows) {
      expect(row.historical_average).toBe(8);
      expect(row.seasonal_naive).toBe(8);
      expect(row.forecast).toBe(8);
      expect(row.model).toBe('ridge');
    }
  });

  it('speed: the median of the bins with ≥ 5 devices, in km/h (not withheld below k: no count)', async () => {
    const r = await cli(['forecast', '--db', db, '--corridors', corridorsFile, '--corridor', 'east', '--metric', 'speed', '--k', '5', '--at', AT]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('corridor,made_at,slot_start,horizon_min,forecast,model,seasonal_naive,historical_average,scaled_historical_average,ridge');
    expect(lines).toHaveLength(13);
    for (const l of lines.slice(1)) {
      const c = l.split(',');
      expect(c[0]).toBe('east');
      expect(c[6]).toBe('60'); // seasonal naive: the same slot a week earlier
      expect(c[7]).toBe('60');
      expect(c[4]).toBe('60');
    }
  });

  it('k above every flow: nothing released, a clear error; an unknown corridor and a bad metric are named', async () => {
    const high = await cli(['forecast', '--db', db, '--corridors', corridorsFile, '--corridor', 'east', '--k', '9']);
    expect(high.code).not.toBe(0);
    expect(high.stderr).toMatch(/corridor east: no 5-minute bin has a released flow \(flows below k = 9/);
    const unknown = await cli(['forecast', '--db', db, '--corridors', corridorsFile, '--corridor', 'west', '--k', '5']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/no corridor "west" \(1 corridors, e\.g\. east/);
    const metric = await cli(['forecast', '--db', db, '--corridor', 'east', '--metric', 'density']);
    expect(metric.code).not.toBe(0);
    expect(metric.stderr).toMatch(/--metric must be one of flow, speed, got density/);
    const help = await cli(['forecast', '--help']);
    expect(help.stdout).toMatch(/--corridor ID/);
  });

  it('GET /api/v1/forecast?corridor=: learned corridors; the learned id of the road forecasts its flow', async () => {
    const traffic = await (await fetch(new URL('/api/v1/traffic?bin=15m&from=2026-03-08T00:00:00Z', srv.url))).json() as { features: { properties: { corridor: string } }[] };
    const ids = [...new Set(traffic.features.map((f) => f.properties.corridor))];
    expect(ids.length).toBeGreaterThan(0);
    const res = await fetch(new URL(`/api/v1/forecast?corridor=${ids[0]}&at=${AT}`, srv.url));
    expect(res.status).toBe(200);
    const f = await res.json() as Forecast;
    expect(f.corridor).toBe(ids[0]);
    expect(f.metric).toBe('flow');
    expect(f.rows).toHaveLength(12);
    expect(f.rows.every((x) => x.historical_average === 8)).toBe(true);
    const missing = await fetch(new URL('/api/v1/forecast?corridor=nope', srv.url));
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { detail: string }).detail).toMatch(/no corridor "nope"/);
  });
});

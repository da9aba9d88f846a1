import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gridPathCells, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { startHttpServer, type RunningHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { loadQuery, runQuery } from '../../src/sql/index.ts';
import { refreshTrafficTables } from '../../src/traffic/duckdb/refresh-traffic-tables.ts';
import { ensureTrafficTables, writeHops } from '../../src/traffic/duckdb/write-hops.ts';
import type { Hop } from '../../src/traffic/engine/hop.ts';
import { parseCorridors } from '../../src/traffic/engine/parse-corridors.ts';
import { buildTrafficExport } from '../../src/traffic/export/build-traffic-export.ts';
import { trafficToGeoJson } from '../../src/traffic/export/traffic-writers.ts';
import { cli } from '../support/cli.ts';

const GOLDEN = new URL('./golden/', import.meta.url).pathname;
const REGEN = process.env.REGEN === '1';
const dir = mkdtempSync(join(tmpdir(), 'citypulse-traffic-'));
const db = join(dir, 'traffic.duckdb');
const corridorsFile = join(dir, 'corridors.json');
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const CELLS = gridPathCells(latLngToCell(45.46, 9.15, 9), latLngToCell(45.46, 9.21, 9)).filter((_, i) => i % 2 === 0).slice(0, 5);
const ENTRIES = [0, 500, 1000, 1500, 2000];

function golden(name: string, text: string) {
  const path = join(GOLDEN, name);
  if (REGEN || !existsSync(path)) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

function drive(device: string, kmh: number, t0: number): Hop[] {
  const at = (i: number) => t0 + Math.round((ENTRIES[i]! / (kmh / 3.6)) * 1000);
  const hops: Hop[] = [];
  for (let i = 1; i + 1 < CELLS.length; i++) hops.push({ device, prev: CELLS[i - 1]!, h3: CELLS[i]!, next: CELLS[i + 1]!, enterTs: at(i), exitTs: at(i + 1) });
  return hops;
}

/**
 * By hand, first timed entry (500 m) in:
 * - 08:00 bin: 6 devices at 30, 40, 50, 60, 70, 80 km/h → flow 6, median 55 km/h;
 * - 08:05 bin: 3 devices at 50 km/h → flow 3 (below k = 5: withheld in 5-minute bins);
 * - 08:20 bin: 5 devices at 20 km/h → flow 5, median 20 km/h;
 * - 02:00 bin (night): 5 devices at 70, 75, 80, 85, 90 km/h → free flow = p85 = 86 km/h.
 */
beforeAll(async () => {
  const hops: Hop[] = [];
  const early = (kmh: number) => -Math.round((500 / (kmh / 3.6)) * 1000); // so the 500 m entry is at the bin start + i s
  [30, 40, 50, 60, 70, 80].forEach((v, i) => hops.push(...drive(`a${i}`, v, T0 + early(v) + i * 1000)));
  [50, 50, 50].forEach((v, i) => hops.push(...drive(`b${i}`, v, T0 + 300_000 + early(v) + i * 1000)));
  [20, 20, 20, 20, 20].forEach((v, i) => hops.push(...drive(`c${i}`, v, T0 + 1_200_000 + early(v) + i * 1000)));
  [70, 75, 80, 85, 90].forEach((v, i) => hops.push(...drive(`n${i}`, v, Date.UTC(2026, 2, 2, 2, 0) + early(v) + i * 1000)));
  const d = await openDatabase(db);
  try {
    await ensureTrafficTables(d.connection);
    await writeHops(d.connection, hops);
  } finally {
    d.close();
  }
  writeFileSync(corridorsFile, JSON.stringify({ corridors: [{ id: 'east', cells: CELLS, entries_m: ENTRIES, length_m: 2000 }] }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export traffic', () => {
  it('--corridors --bin 5m --k 5 --format csv: golden (hand-computed)', async () => {
    const out = join(dir, 'traffic-5m.csv');
    const alertsOut = join(dir, 'slowdowns.ndjson');
    const r = await cli(['export', 'traffic', '--db', db, '--corridors', corridorsFile, '--bin', '5m', '--k', '5', '--format', 'csv', '--out', out, '--alerts-out', alertsOut]);
    expect(r.code).toBe(0);
    // 08:05 (3) is below k; so that the day total minus the bins cannot reveal it, the release merges it
    // with the smallest element (02:00, 5) into one element of the day: both 5-minute bins withheld.
    expect(r.stdout).toContain('2 corridor-bins withheld below k=5');
    const text = readFileSync(out, 'utf8');
    const rows = text.trim().split('\n').map((l) => l.split(','));
    expect(rows[0]).toEqual(['corridor', 'bin_start', 'bin_minutes', 'flow', 'flow_expanded', 'speed_kmh', 'travel_time_s', 'free_flow_kmh', 'congestion']);
    // Free flow: p85 of the night speeds 70..90 = 85 + 0.4 · 5 = 87 km/h.
    expect(rows.slice(1).map((x) => [x[1], x[3], x[5], x[7], x[8]])).toEqual([
      ['2026-03-02T08:00:00Z', '6', '55', '87', String(Math.round((1 - 55 / 87) * 1000) / 1000)],
      ['2026-03-02T08:20:00Z', '5', '20', '87', String(Math.round((1 - 20 / 87) * 1000) / 1000)],
    ]);
    golden('traffic-5m.csv', text);
    // 20 km/h against 87 free flow at 08:20: congestion 0.77 ≥ 0.5 opens a slowdown (5 devices ≥ k).
    const alerts = readFileSync(alertsOut, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(alerts.map((a) => [a.state, a.corridor, a.bin_start, a.devices])).toEqual([['open', 'east', '2026-03-02T08:20:00.000Z', 5]]);
  });

  it('15-minute bins: the withheld 5-minute flow stays withheld (differencing-safe), speed from all devices', async () => {
    const d = await openDatabase(db, { readOnly: true });
    try {
      const corridors = parseCorridors(JSON.parse(readFileSync(corridorsFile, 'utf8')));
      const r = await buildTrafficExport(d.connection, { corridors, binMs: 900_000, k: 5 });
      // 08:00–08:15: true flow 9 (6 + 3), released 6; speed = median of all nine devices (50).
      expect(r.rows.map((x) => [new Date(x.binStart).toISOString(), x.flow, x.speedKmh])).toEqual([
        ['2026-03-02T08:00:00.000Z', 6, 50],
        ['2026-03-02T08:15:00.000Z', 5, 20],
      ]);
      // Learned corridors (no file): the one chain all 19 devices drove, with its geometry.
      const learned = await buildTrafficExport(d.connection, { binMs: 900_000, k: 5 });
      expect(learned.corridors.map((c) => c.cells)).toEqual([CELLS]);
      const fc = trafficToGeoJson(learned.rows, learned.corridors) as { features: { geometry: { type: string; coordinates: unknown[] } }[] };
      expect(fc.features.length).toBe(2);
      expect(fc.features[0]!.geometry.type).toBe('LineString');
      expect(fc.features[0]!.geometry.coordinates).toHaveLength(5);
    } finally {
      d.close();
    }
  });

  it('bad input: a clear error naming the flag or file', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ corridors: [{ id: 'x', cells: ['a', 'b', 'c'] }] }));
    const r1 = await cli(['export', 'traffic', '--db', db, '--corridors', bad, '--out', join(dir, 'x.csv')]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain(`--corridors ${bad}: corridor 1 (x): "cells" must be H3`);
    const r2 = await cli(['export', 'traffic', '--db', db, '--bin', '10m', '--out', join(dir, 'x.csv')]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('--bin must be 5m or 15m');
  }, 120_000);
});

describe('traffic tables, SQL and API', () => {
  it('refreshes traffic_corridor_bins; sql traffic_corridors reads them with k', async () => {
    const d = await openDatabase(db);
    try {
      const r = await refreshTrafficTables(d.connection, parseCorridors(JSON.parse(readFileSync(corridorsFile, 'utf8'))));
      expect(r.bins5.map((b) => b.flow)).toEqual([5, 6, 3, 5]);
      // The plain k filter of the analyst query (not differencing-safe; the export is).
      const q = await runQuery(d.connection, loadQuery('traffic_corridors'), { k: '5' });
      expect(q.rows.map((x) => [Number(x[2]), x[3]])).toEqual([[5, 80], [6, 55], [5, 20]]);
      // 20 km/h against 86: congestion 0.77 ≥ 0.5 opens a slowdown alert.
      const alerts = (await d.connection.runAndReadAll('SELECT corridor, state, epoch_ms(bin_start) FROM traffic_alerts')).getRows();
      expect(alerts).toEqual([['east', 'open', T0 + 1_200_000]].map(([c, s, t]) => [c, s, BigInt(t as number)]));
    } finally {
      d.close();
    }
  });

  it('GET /api/v1/traffic: released corridor-bins as GeoJSON and CSV', async () => {
    let srv: RunningHttpServer | undefined;
    try {
      srv = await startHttpServer({ dbPath: db, port: 0, k: 5 });
      const res = await fetch(new URL('/api/v1/traffic?bin=15m&format=csv', srv.url));
      expect(res.status).toBe(200);
      expect(res.headers.get('x-citypulse-k')).toBe('5');
      const rows = (await res.text()).trim().split('\n');
      expect(rows[0]).toBe('corridor,bin_start,bin_minutes,flow,flow_expanded,speed_kmh,travel_time_s,free_flow_kmh,congestion');
      for (const r of rows.slice(1)) expect(Number(r.split(',')[3])).toBeGreaterThanOrEqual(5);
      const g = await fetch(new URL('/api/v1/traffic', srv.url));
      expect(g.headers.get('content-type')).toContain('application/geo+json');
      const bad = await fetch(new URL('/api/v1/traffic?bin=7m', srv.url));
      expect(bad.status).toBe(400);
    } finally {
      await srv?.close();
    }
  });
});

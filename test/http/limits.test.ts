// The API on a hand-made database with known counts: hand-computed window totals, empty alerts and
// zones, bounded responses, server errors without details, query time limit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cellToParent } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpLogEvent } from '../../src/outputs/http/http-log.ts';
import { startHttpServer, type RunningHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { buildSmallDb, SMALL_W1, SMALL_W2 } from './fixture.ts';
import { expectKAnonymous } from './k-anonymity.ts';

let dir: string;
let dbPath: string;
let cells: string[];
const servers: RunningHttpServer[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-http-small-'));
  dbPath = join(dir, 'small.duckdb');
  cells = await buildSmallDb(dbPath);
});
afterAll(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(config: Partial<Parameters<typeof startHttpServer>[0]> = {}) {
  const s = await startHttpServer({ dbPath, port: 0, ...config });
  servers.push(s);
  return async (path: string) => {
    const r = await fetch(new URL(path, s.url));
    return { status: r.status, headers: r.headers, json: (await r.json()) as any };
  };
}

describe('HTTP API on a hand-made database', () => {
  it('windows: devices = sum of the hexagons ≥ k, the others counted as suppressed (by hand)', async () => {
    const get = await start();
    const r = await get('/api/v1/windows?res=9');
    expect(r.json.windows).toEqual([
      { start: new Date(SMALL_W1).toISOString(), end: new Date(SMALL_W2).toISOString(), devices: 21 + 25 + 29, hexagons: 3, suppressed_hexagons: 4, max_present: 29 },
      { start: new Date(SMALL_W2).toISOString(), end: new Date(SMALL_W2 + 900_000).toISOString(), devices: 30 + 27 + 24 + 21, hexagons: 4, suppressed_hexagons: 3, max_present: 30 },
    ]);
    // res 8: the children summed per parent before k applies.
    const sums = new Map<string, number>();
    cells.forEach((c, i) => sums.set(cellToParent(c, 8), (sums.get(cellToParent(c, 8)) ?? 0) + 5 + 4 * i));
    const shown = [...sums.values()].filter((n) => n >= 20);
    const r8 = await get('/api/v1/windows?res=8');
    expect(r8.json.windows[0]).toMatchObject({ devices: shown.reduce((a, b) => a + b, 0), hexagons: shown.length, suppressed_hexagons: sums.size - shown.length });
    const h = await get(`/api/v1/heatmap?res=9&window=${new Date(SMALL_W1 + 60_000).toISOString()}`);
    expect(h.json.features.map((f: any) => [f.properties.h3, f.properties.present])).toEqual([
      [cells[4], 21],
      [cells[5], 25],
      [cells[6], 29],
    ]);
    expect(h.json.suppressed_hexagons).toBe(4);
    expectKAnonymous(h.json, 20);
  });

  it('no alerts table and no zones: empty lists, not errors', async () => {
    const get = await start();
    expect((await get('/api/v1/alerts')).json).toEqual({ k: 20, count: 0, truncated: false, alerts: [] });
    expect((await get('/api/v1/zones')).json).toEqual({ zone_systems: [] });
    expect((await get('/api/v1/zones/milan_nil/totals')).status).toBe(404);
  });

  it('bounded responses: rows capped with truncated, too many hexagons → 413', async () => {
    const get = await start({ maxRows: 1, maxFeatures: 3 });
    const w = await get('/api/v1/windows?res=9');
    expect(w.json).toMatchObject({ count: 1, truncated: true });
    expect(w.json.windows[0].start).toBe(new Date(SMALL_W2).toISOString()); // the latest kept
    const q = await get('/api/v1/queries/heatmap?res=9');
    expect(q.json).toMatchObject({ row_count: 1, truncated: true });
    expect((await get(`/api/v1/heatmap?res=9&window=${SMALL_W1}`)).status).toBe(200); // 3 hexagons
    const big = await get(`/api/v1/heatmap?res=9&window=${SMALL_W2}`); // 4 hexagons
    expect(big.status).toBe(413);
    expect(big.json.error).toBe('response_too_large');
  });

  it('a failing query is a 500 without details; the log gets the cause', async () => {
    const sqlDir = join(dir, 'sql-broken');
    mkdirSync(sqlDir, { recursive: true });
    writeFileSync(join(sqlDir, 'broken.sql'), '-- name: broken\n-- purpose: reads a table that does not exist\nSELECT * FROM no_such_table\n');
    const events: HttpLogEvent[] = [];
    const get = await start({ sqlDir, logger: (e) => events.push(e) });
    const r = await get('/api/v1/queries/broken');
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ error: 'internal', detail: 'internal server error; see the server log' });
    expect(events.find((e) => e.type === 'error')).toMatchObject({ type: 'error', path: '/api/v1/queries/broken', error: expect.stringContaining('no_such_table') });
    expect(events.filter((e) => e.type === 'request').at(-1)).toMatchObject({ status: 500 });
  });

  it('a query past the time limit is interrupted: 503, and the server keeps answering', async () => {
    const sqlDir = join(dir, 'sql-slow');
    mkdirSync(sqlDir, { recursive: true });
    writeFileSync(join(sqlDir, 'slow.sql'), '-- name: slow\nSELECT sum(i * i) AS s FROM range(100000000000) t(i)\n');
    const get = await start({ sqlDir, queryTimeoutMs: 200 });
    const started = Date.now();
    const r = await get('/api/v1/queries/slow');
    expect(r.status).toBe(503);
    expect(r.json.error).toBe('query_timeout');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await get('/healthz')).status).toBe(200);
  });
});

// The API on a hand-made database with known counts: hand-computed window totals, empty alerts and
// zones, bounded responses, server errors without details, query time limit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
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
  // The release at k = 20, by hand. Res-8 parents: A = {0, 1}, B = {2, 3, 4, 5}, C = {6}; one res-5 parent.
  // W1 (5, 9, 13, 17, 21, 25, 29): cells 4, 5, 6 are elements; B's remainder 13 + 17 = 30 is an element
  //   at res 8; A's 5 + 9 = 14 passes up to res 5, still short, and takes the smallest element there,
  //   cell 4 (21): {0, 1, 4} = 35 (anchored at res 6). Shown at res 9: cells 5, 6.
  // W2 (30, 27, 24, 21, 18, 15, 12): cells 0–3 are elements; B's 18 + 15 = 33 at res 8; C's 12 passes
  //   up and takes cell 3 (21): {3, 6} = 33 (res 7). Shown at res 9: cells 0, 1, 2.
  it('windows: devices = sum of the released hexagons, the others counted as suppressed (by hand)', async () => {
    const get = await start();
    const r = await get('/api/v1/windows?res=9');
    expect(r.json.windows).toEqual([
      { start: new Date(SMALL_W1).toISOString(), end: new Date(SMALL_W2).toISOString(), devices: 25 + 29, hexagons: 2, suppressed_hexagons: 5, max_present: 29 },
      { start: new Date(SMALL_W2).toISOString(), end: new Date(SMALL_W2 + 900_000).toISOString(), devices: 30 + 27 + 24, hexagons: 3, suppressed_hexagons: 4, max_present: 30 },
    ]);
    expect(new Set(cells.map((c) => cellToParent(c, 8))).size).toBe(3);
    const r8 = await get('/api/v1/windows?res=8');
    // B = 25 + 30 (cell 5 and its remainder element), C = 29; A shows nothing
    expect(r8.json.windows[0]).toMatchObject({ devices: 55 + 29, hexagons: 2, suppressed_hexagons: 1, max_present: 55 });
    const h = await get(`/api/v1/heatmap?res=9&window=${new Date(SMALL_W1 + 60_000).toISOString()}`);
    expect(h.json.features.map((f: any) => [f.properties.h3, f.properties.present])).toEqual([
      [cells[5], 25],
      [cells[6], 29],
    ]);
    expect(h.json.suppressed_hexagons).toBe(5);
    expectKAnonymous(h.json, 20);
  });

  it('no alerts table and no zones: empty lists, not errors', async () => {
    const get = await start();
    expect((await get('/api/v1/alerts')).json).toEqual({ k: 20, count: 0, truncated: false, alerts: [] });
    expect((await get('/api/v1/zones')).json).toEqual({ zone_systems: [] });
    expect((await get('/api/v1/zones/milan_nil/totals')).status).toBe(404);
  });

  it('bounded responses: rows capped with truncated, too many hexagons → 413', async () => {
    const get = await start({ maxRows: 1, maxFeatures: 2 });
    const w = await get('/api/v1/windows?res=9');
    expect(w.json).toMatchObject({ count: 1, truncated: true });
    expect(w.json.windows[0].start).toBe(new Date(SMALL_W2).toISOString()); // the latest kept
    const q = await get('/api/v1/queries/heatmap?res=9');
    expect(q.json).toMatchObject({ row_count: 1, truncated: true });
    expect((await get(`/api/v1/heatmap?res=9&window=${SMALL_W1}`)).status).toBe(200); // 2 hexagons
    const big = await get(`/api/v1/heatmap?res=9&window=${SMALL_W2}`); // 3 hexagons
    expect(big.status).toBe(413);
    expect(big.json.error).toBe('response_too_large');
  });

  it('odd request targets (`//`, `//x/..//`) are answered, never crash the server', async () => {
    const s = await startHttpServer({ dbPath, port: 0 });
    servers.push(s);
    const { port } = new URL(s.url);
    const raw = (path: string) =>
      new Promise<number>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port: Number(port), path }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
    expect(await raw('//')).toBe(200); // the dashboard page, as for `/`
    expect(await raw('//api/v1/nothing//')).toBe(404);
    expect(await raw('/healthz')).toBe(200);
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

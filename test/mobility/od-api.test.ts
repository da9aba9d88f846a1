import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { buildCommuterDb } from './commuter-db.ts';

const dir = mkdtempSync(join(tmpdir(), 'citypulse-od-api-'));
let srv: RunningHttpServer;

beforeAll(async () => {
  const db = join(dir, 'od.duckdb');
  await buildCommuterDb(db);
  srv = await startHttpServer({ dbPath: db, port: 0, k: 2 });
});
afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = async (path: string) => {
  const res = await fetch(new URL(path, srv.url));
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
};

describe('GET /api/v1/od', () => {
  it('flows between zones as GeoJSON and CSV, each ≥ k, described in OpenAPI', async () => {
    const g = await get('/api/v1/od?zones=two');
    expect(g.status).toBe(200);
    expect(g.type).toContain('application/geo+json');
    expect(g.json.features.map((f: { properties: { origin: string; destination: string; trips: number } }) => [f.properties.origin, f.properties.destination, f.properties.trips])).toEqual([
      ['E', 'W', 10],
      ['W', 'E', 10],
    ]);
    const c = await get('/api/v1/od?zones=two&by=hour&format=csv&k=3');
    expect(c.type).toContain('text/csv');
    expect(c.headers.get('x-citypulse-k')).toBe('3');
    const rows = c.text.trim().split('\n');
    expect(rows[0]).toBe('origin,destination,departure_hour,trips,trips_expanded,origin_lat,origin_lng,destination_lat,destination_lng');
    for (const r of rows.slice(1)) expect(Number(r.split(',')[3])).toBeGreaterThanOrEqual(3);
    const api = await get('/api/v1/openapi.json');
    expect(Object.keys(api.json.paths)).toContain('/api/v1/od');
  });

  it('answers 400/404 naming the parameter', async () => {
    const both = await get('/api/v1/od?zones=two&res=7');
    expect(both.status).toBe(400);
    expect(both.text).toContain('exactly one of zones=NAME or res=R');
    expect((await get('/api/v1/od?res=9')).status).toBe(400);
    expect((await get('/api/v1/od?zones=two&k=1')).status).toBe(400);
    const missing = await get('/api/v1/od?zones=nope');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('no such zone system');
  });
});

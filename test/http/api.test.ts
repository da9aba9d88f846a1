// The HTTP API against a simulated day of Milan (simulate → ingest with alerts → zones load, through
// the real CLI), on a free port: status, content type, k-anonymity of every response, errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { startHttpServer, type RunningHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { MILAN_NIL_ATTRIBUTION } from '../../src/outputs/http/zone-attribution.ts';
import { listQueries } from '../../src/sql/index.ts';
import { buildCityDb } from './fixture.ts';
import { expectCsvKAnonymous, expectKAnonymous } from './k-anonymity.ts';

const K = 20;
let dir: string;
let dbPath: string;
let srv: RunningHttpServer;

async function get(path: string, init?: RequestInit) {
  const res = await fetch(new URL(path, srv.url), init);
  const type = res.headers.get('content-type') ?? '';
  const text = await res.text();
  return { status: res.status, type, headers: res.headers, text, json: type.includes('json') && text ? (JSON.parse(text) as any) : undefined };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-http-'));
  dbPath = await buildCityDb(dir);
  srv = await startHttpServer({ dbPath, port: 0, k: K, corsOrigins: ['https://dashboard.example'] });
});
afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('citypulse HTTP API', () => {
  it('GET /healthz', async () => {
    const r = await get('/healthz');
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/json; charset=utf-8');
    expect(r.json).toMatchObject({ status: 'ok', db: 'city.duckdb', k: K, windows: expect.any(Number) });
    expect(r.json.windows).toBeGreaterThan(90);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(r.text).not.toContain(dir); // no server paths
  });

  it('GET /api/v1/openapi.json: OpenAPI 3.1 describing every route and named query', async () => {
    const r = await get('/api/v1/openapi.json');
    expect(r.status).toBe(200);
    expect(r.json.openapi).toBe('3.1.0');
    const paths = Object.keys(r.json.paths);
    for (const p of ['/', '/healthz', '/api/v1/windows', '/api/v1/heatmap', '/api/v1/zones', '/api/v1/zones/{system}', '/api/v1/zones/{system}/totals', '/api/v1/queries', '/api/v1/queries/{name}', '/api/v1/alerts']) {
      expect(paths).toContain(p);
    }
    for (const q of listQueries()) {
      const op = r.json.paths[`/api/v1/queries/${q.name}`].get;
      expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(q.params.map((p) => p.name));
    }
    // Every $ref resolves.
    const refs = [...r.text.matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(10);
    for (const [, section, name] of refs) expect(r.json.components[section!][name!], `${section}/${name}`).toBeDefined();
  });

  it('GET /api/v1/windows: closed windows, devices of the hexagons ≥ k, suppressed ones counted', async () => {
    const r = await get('/api/v1/windows?res=8');
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/json; charset=utf-8');
    expect(r.headers.get('access-control-allow-origin')).toBeNull(); // CORS only for configured origins
    expect(r.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const { windows } = r.json;
    expect(r.json).toMatchObject({ res: 8, base_res: 9, k: K, truncated: false, count: windows.length });
    expect(r.json.note).toMatch(/sum of release elements of at least k/);
    expect(windows.length).toBeGreaterThan(90);
    expect(windows.some((w: { suppressed_hexagons: number }) => w.suppressed_hexagons > 0)).toBe(true);
    expect(expectKAnonymous(r.json, K)).toBeGreaterThan(100);
    const [w, s, e, n] = r.json.bbox;
    expect(w).toBeGreaterThan(8.9);
    expect(e).toBeLessThan(9.4);
    expect(s).toBeGreaterThan(45.3);
    expect(n).toBeLessThan(45.6);
    // The devices of a window are exactly those its heatmap shows, closed windows only.
    const db = await openDatabase(dbPath, { readOnly: true });
    try {
      const t = await db.connection.runAndReadAll('SELECT count(DISTINCT window_start)::INTEGER, sum(present)::BIGINT FROM presence');
      const [count, total] = t.getRowsJS()[0] as [number, bigint];
      expect(windows.length).toBe(count);
      expect(windows.reduce((a: number, x: { devices: number }) => a + x.devices, 0)).toBeLessThan(Number(total));
    } finally {
      db.close();
    }
    const busiest = windows.reduce((a: any, b: any) => (b.devices > a.devices ? b : a));
    const h = await get(`/api/v1/heatmap?res=8&window=${busiest.start}`);
    const present = h.json.features.map((f: any) => f.properties.present);
    expect(present.reduce((a: number, b: number) => a + b, 0)).toBe(busiest.devices);
    expect(h.json.features.length).toBe(busiest.hexagons);
    expect(Math.max(...present)).toBe(busiest.max_present);
    expect(Number(h.headers.get('x-citypulse-suppressed'))).toBe(busiest.suppressed_hexagons);
  });

  it('GET /api/v1/heatmap: GeoJSON by default (h3, window_start, present ≥ k) at res 7, 8, 9; CSV; latest', async () => {
    for (const res of [7, 8, 9]) {
      const r = await get(`/api/v1/heatmap?res=${res}&window=2026-03-02T19:40:00Z`);
      expect(r.status).toBe(200);
      expect(r.type).toBe('application/geo+json; charset=utf-8');
      expect(r.json).toMatchObject({ type: 'FeatureCollection', window_start: '2026-03-02T19:30:00.000Z', window_end: '2026-03-02T19:45:00.000Z', res, k: K });
      expect(r.json.features.length).toBeGreaterThan(0);
      for (const f of r.json.features) {
        expect(f.geometry.type).toBe('Polygon');
        expect(f.properties).toMatchObject({ h3: expect.stringMatching(/^[0-9a-f]{15}$/), res, window_start: '2026-03-02T19:30:00.000Z' });
      }
      expect(expectKAnonymous(r.json, K)).toBe(r.json.features.length);
    }
    const csv = await get('/api/v1/heatmap?res=8&window=2026-03-02T19:30:00Z&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.type).toBe('text/csv; charset=utf-8');
    expect(csv.text.split('\n')[0]).toBe('window_start,window_end,h3,hex_id,res,lat,lng,present');
    expect(expectCsvKAnonymous(csv.text, K)).toBeGreaterThan(0);
    const latest = await get('/api/v1/heatmap');
    const windows = (await get('/api/v1/windows')).json.windows;
    expect(latest.json.window_start).toBe(windows[windows.length - 1].start);
    // A stricter k from the client applies; a weaker one is refused.
    const strict = await get('/api/v1/heatmap?res=8&window=2026-03-02T19:30:00Z&k=60');
    expect(strict.json.k).toBe(60);
    expect(expectKAnonymous(strict.json, 60)).toBeGreaterThan(0);
    expect(strict.json.features.length).toBeLessThan((await get('/api/v1/heatmap?res=8&window=2026-03-02T19:30:00Z')).json.features.length);
  });

  it('GET /api/v1/zones, /zones/:system (outlines), /zones/:system/totals (with the Milan attribution)', async () => {
    const list = await get('/api/v1/zones');
    expect(list.status).toBe(200);
    expect(list.json.zone_systems).toEqual([{ name: 'milan_nil', zones: 88, area_km2: expect.any(Number), attribution: MILAN_NIL_ATTRIBUTION }]);
    const outlines = await get('/api/v1/zones/milan_nil');
    expect(outlines.status).toBe(200);
    expect(outlines.type).toBe('application/geo+json; charset=utf-8');
    expect(outlines.json.features).toHaveLength(88);
    const totals = await get('/api/v1/zones/milan_nil/totals?from=2026-03-02T08:00:00Z&to=2026-03-02T20:00:00Z');
    expect(totals.status).toBe(200);
    expect(totals.json).toMatchObject({ query: 'zone_totals', k: K, attribution: MILAN_NIL_ATTRIBUTION, truncated: false });
    expect(totals.json.rows).toHaveLength(88);
    expect(totals.json.rows.filter((z: { peak_present: number | null }) => z.peak_present !== null).length).toBeGreaterThan(10);
    expect(expectKAnonymous(totals.json, K)).toBeGreaterThan(20);
    expect((await get('/api/v1/zones/nowhere/totals')).status).toBe(404);
    expect((await get('/api/v1/zones/nowhere')).status).toBe(404);
  });

  it('GET /api/v1/queries and /queries/:name: the named queries only, bound parameters, exact 64-bit integers', async () => {
    const list = await get('/api/v1/queries');
    expect(list.status).toBe(200);
    expect(list.json.queries.map((q: { name: string }) => q.name)).toEqual(listQueries().map((q) => q.name));
    const top = await get('/api/v1/queries/top_cells?n=5&res=9');
    expect(top.status).toBe(200);
    expect(top.type).toBe('application/json; charset=utf-8');
    expect(top.json).toMatchObject({ query: 'top_cells', k: K, row_count: 5, truncated: false });
    for (const row of top.json.rows) {
      // UBIGINT beyond 2^53: a string of its exact digits, equal to the hex form.
      expect(typeof row.h3).toBe('string');
      expect(BigInt(row.h3)).toBe(BigInt('0x' + row.h3_hex));
      expect(typeof row.rank).toBe('number');
    }
    expect(expectKAnonymous(top.json, K)).toBeGreaterThan(5);
    const heat = await get('/api/v1/queries/heatmap?res=8&from=2026-03-02T12:00:00Z&to=1772460000000');
    expect(heat.status).toBe(200);
    expect(heat.json.rows.length).toBeGreaterThan(0);
    expect(heat.json.rows.every((r: { window_start: string }) => r.window_start >= '2026-03-02T12:00:00' && r.window_start < '2026-03-02T14:00:00')).toBe(true);
    expect(expectKAnonymous(heat.json, K)).toBe(heat.json.rows.length);
    const series = await get('/api/v1/queries/zone_timeseries?zone_system=milan_nil&zone=duomo');
    expect(series.status).toBe(200);
    expect(series.json.rows.length).toBeGreaterThan(90);
    expectKAnonymous(series.json, K);
    const wow = await get('/api/v1/queries/week_over_week?zone_system=milan_nil&hours=24');
    expect(wow.status).toBe(200);
    // Path tricks are unknown names, never files.
    for (const name of ['..%2Fsql%2Fheatmap', 'heatmap.sql', '%2Fetc%2Fpasswd', 'HEATMAP']) {
      const r = await get(`/api/v1/queries/${name}`);
      expect(r.status, name).toBe(404);
      expect(r.json.error).toBe('not_found');
    }
  });

  it('GET /api/v1/alerts: alert events, latest first; since; counts below a requested k withheld', async () => {
    const r = await get('/api/v1/alerts');
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/json; charset=utf-8');
    const { alerts } = r.json;
    expect(alerts.length).toBeGreaterThan(3);
    expect(alerts.map((a: { window_start: string }) => a.window_start)).toEqual(alerts.map((a: { window_start: string }) => a.window_start).sort().reverse());
    expect(alerts[0]).toMatchObject({ alert_id: expect.any(String), seq: expect.any(Number), area_name: expect.any(String), level: expect.stringMatching(/notice|warning|critical/), below_k: false });
    expectKAnonymous(r.json, K);
    const since = await get('/api/v1/alerts?since=2026-03-02T19:00:00Z');
    expect(since.json.alerts.length).toBeGreaterThan(0);
    expect(since.json.alerts.length).toBeLessThan(alerts.length);
    expect(since.json.alerts.every((a: { window_start: string }) => a.window_start >= '2026-03-02T19:00:00')).toBe(true);
    const strict = await get('/api/v1/alerts?k=200');
    const withheld = strict.json.alerts.filter((a: { below_k: boolean }) => a.below_k);
    expect(withheld.length).toBeGreaterThan(0);
    for (const a of withheld) {
      expect(a).toMatchObject({ devices: null, people: null, occupancy: null, density_per_km2: null, value: null });
      expect(a.message).toMatch(/withheld/);
      expect(a.message).not.toMatch(/\d+ people/);
    }
    expectKAnonymous(strict.json, 200);
    const one = await get('/api/v1/alerts?limit=1');
    expect(one.json).toMatchObject({ count: 1, truncated: true });
  });

  it('errors: JSON {error, detail}, 400 naming the parameter, 404, 405; CORS preflight; HEAD', async () => {
    const cases: [string, number, string | undefined][] = [
      ['/api/v1/heatmap?res=abc', 400, 'res'],
      ['/api/v1/heatmap?res=12', 400, 'res'],
      ['/api/v1/heatmap?format=xml', 400, 'format'],
      ['/api/v1/heatmap?window=tuesday', 400, 'window'],
      ['/api/v1/heatmap?k=5', 400, 'k'],
      ['/api/v1/heatmap?resolution=8', 400, 'resolution'],
      ['/api/v1/heatmap?res=8&res=9', 400, 'res'],
      ['/api/v1/windows?from=noon', 400, 'from'],
      ['/api/v1/alerts?limit=0', 400, 'limit'],
      ['/api/v1/queries/top_cells?k=2', 400, 'k'],
      ['/api/v1/queries/top_cells?bogus=1', 400, 'bogus'],
      ['/api/v1/queries/top_cells?n=many', 400, 'n'],
      ['/api/v1/queries/zone_totals', 400, 'zone_system'],
      ['/api/v1/queries/area_timeseries?cell=zzz', 400, undefined],
      ['/api/v1/heatmap?window=2001-01-01T00:00:00Z', 404, undefined],
      ['/api/v1/queries/no_such_query', 404, undefined],
      ['/api/v2/windows', 404, undefined],
      ['/index.html', 404, undefined],
    ];
    for (const [path, status, parameter] of cases) {
      const r = await get(path);
      expect(r.status, path).toBe(status);
      expect(r.type, path).toBe('application/json; charset=utf-8');
      expect(Object.keys(r.json).sort(), path).toEqual(parameter ? ['detail', 'error', 'parameter'] : ['detail', 'error']);
      expect(r.json.detail, path).toEqual(expect.any(String));
      if (parameter) {
        expect(r.json.parameter, path).toBe(parameter);
        expect(r.json.detail, path).toContain(parameter);
      }
      expect(r.text, path).not.toMatch(/\n\s+at |\/work\/|\.ts:\d+/);
      expect(r.headers.get('cache-control'), path).toBe('no-store');
    }
    const post = await get('/api/v1/windows', { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    const pre = await get('/api/v1/heatmap', { method: 'OPTIONS', headers: { origin: 'https://dashboard.example', 'access-control-request-method': 'GET' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('https://dashboard.example');
    expect(pre.headers.get('access-control-allow-methods')).toContain('GET');
    const head = await get('/api/v1/windows', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  it('GET /: the dashboard page, its libraries from this server only, with a strict Content-Security-Policy', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.type).toBe('text/html; charset=utf-8');
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    // No external resource: no src/href to another origin, no external fetch.
    expect(r.text).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
    expect(r.text).not.toMatch(/fetch\(\s*['"`]https?:/);
    expect(r.text).toContain('<div id="map"');
    expect(r.text).toContain('<script src="vendor/deck.gl.min.js">');
  });
});

// The routes the duty-room dashboard adds to the server, on the hand-made database of fixture.ts
// (7 res-9 cells around the Duomo with known counts) with a zone system and watched areas:
// /vendor/ (the map libraries from node_modules), /api/v1/areas (occupancy from the release),
// /api/v1/zones/:system/:zone/series, and the page's Content-Security-Policy.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cellToBoundary, cellToParent } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeScope } from '../../src/outputs/http/access-gate.ts';
import { startHttpServer, type RunningHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { cli } from '../support/cli.ts';
import { buildSmallDb, SMALL_W1, SMALL_W2 } from './fixture.ts';

const K = 20;
let dir: string;
let srv: RunningHttpServer;
let cells: string[];

const polygonOf = (cell: string) => {
  // GeoJSON order, the ring already closed.
  return { type: 'Polygon', coordinates: [cellToBoundary(cell, true)] };
};
async function get(path: string) {
  const r = await fetch(new URL(path, srv.url));
  const text = await r.text();
  return { status: r.status, type: r.headers.get('content-type') ?? '', headers: r.headers, text, json: (r.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(text) as any) : undefined };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-dash-routes-'));
  const db = join(dir, 'small.duckdb');
  cells = await buildSmallDb(db);
  // Areas: one per cell, exactly that cell.
  const areas = { type: 'FeatureCollection', features: cells.map((c, i) => ({ type: 'Feature', properties: { id: `cell-${i}`, name: `Cell ${i}`, capacity: 40 }, geometry: polygonOf(c) })) };
  writeFileSync(join(dir, 'areas.geojson'), JSON.stringify(areas));
  // A zone system of one zone: the res-8 parent of the centre cell.
  writeFileSync(join(dir, 'zones.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { zone_id: 'Z1', zone_name: 'Centre' }, geometry: polygonOf(cellToParent(cells[0]!, 8)) }] }));
  const z = await cli(['zones', 'load', join(dir, 'zones.geojson'), '--name', 'centre', '--db', db], { CITYPULSE_KEY: '5eed5eed5eed5eed5eed5eed5eed5eed' });
  expect(z.code, z.stderr).toBe(0);
  srv = await startHttpServer({ dbPath: db, port: 0, k: K, areasFile: join(dir, 'areas.geojson') });
});
afterAll(async () => {
  await srv?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('dashboard routes', () => {
  it('GET /vendor/…: MapLibre GL (module and its worker, CSS), deck.gl and h3-js from node_modules; open paths', async () => {
    for (const [name, type, marker] of [
      ['maplibre-gl.mjs', 'text/javascript', 'MapLibre GL JS'],
      ['maplibre-gl-worker.mjs', 'text/javascript', 'MapLibre GL JS'],
      ['maplibre-gl.css', 'text/css', '.maplibregl-map'],
      ['deck.gl.min.js', 'text/javascript', 'H3HexagonLayer'],
      ['h3-js.umd.js', 'text/javascript', 'latLngToCell'],
    ] as const) {
      const r = await get(`/vendor/${name}`);
      expect(r.status, name).toBe(200);
      expect(r.type).toContain(type);
      expect(r.text).toContain(marker);
      expect(r.headers.get('cache-control')).toBe('public, max-age=86400');
    }
    expect((await get('/vendor/nothing.js')).status).toBe(404);
    expect(routeScope('/vendor/deck.gl.min.js')).toBeNull();
    expect(routeScope('/api/v1/areas')).toBe('alerts:read');
  });

  it('the page: a module script pinned by hash, libraries and the map worker from this server only', async () => {
    const r = await get('/');
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self' 'sha256-[^']+'/);
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)|https?:/);
    expect(r.text).toContain('<script src="vendor/deck.gl.min.js"></script>');
    expect(r.text).toContain("import * as maplibregl from './vendor/maplibre-gl.mjs'");
    expect(r.text).not.toMatch(/(src|href)="https?:/);
  });

  /** Each area (one cell) against the true count and the released res-9 heatmap of the window. */
  async function checkWindow(windowStart: number, truth: number[], k = K) {
    const r = await get(`/api/v1/areas?window=${new Date(windowStart + 60_000).toISOString()}${k === K ? '' : `&k=${k}`}`);
    expect(r.status).toBe(200);
    expect(r.type).toContain('application/geo+json');
    expect(r.json.window_start).toBe(new Date(windowStart).toISOString());
    const hex = await get(`/api/v1/heatmap?res=9&window=${new Date(windowStart).toISOString()}${k === K ? '' : `&k=${k}`}`);
    const shown = new Map<string, number>(hex.json.features.map((f: any) => [f.properties.h3, f.properties.present]));
    const devices: (number | null)[] = [];
    for (let i = 0; i < 7; i++) {
      const p = r.json.features.find((f: any) => f.properties.id === `cell-${i}`).properties;
      expect(p.capacity).toBe(40);
      expect(p.levels).toEqual({ notice: 24, warning: 32, critical: 40 });
      expect(p.cells).toBe(1);
      // Released for this cell alone: exactly its people (≥ k), as the heatmap shows it; else null.
      expect(p.devices, `cell ${i}`).toBe(shown.get(cells[i]!) ?? null);
      if (p.devices !== null) {
        expect(p.devices).toBe(truth[i]);
        expect(p.devices).toBeGreaterThanOrEqual(k);
        expect(p.occupancy).toBeCloseTo(truth[i]! / 40, 3);
      } else expect(p.occupancy).toBeNull();
      devices.push(p.devices);
    }
    return devices;
  }

  it('GET /api/v1/areas: each cell’s count when the release shows it alone (the counts of fixture.ts), else null', async () => {
    const w2 = await checkWindow(SMALL_W2, [30, 27, 24, 21, 18, 15, 12]);
    const w1 = await checkWindow(SMALL_W1, [5, 9, 13, 17, 21, 25, 29]);
    // The biggest cells of each window are released on their own; the cells below k never are.
    expect(w2[0]).toBe(30);
    expect(w1[6]).toBe(29);
    expect(w2.slice(4)).toEqual([null, null, null]);
    expect(w1.slice(0, 4)).toEqual([null, null, null, null]);
    // The outline is the cell itself.
    const f = (await get('/api/v1/areas')).json.features.find((x: any) => x.properties.id === 'cell-0');
    expect(f.geometry.type).toBe('MultiPolygon');
    expect(f.geometry.coordinates[0][0].length).toBe(7);
  });

  it('GET /api/v1/areas: latest window by default, a larger k drops, errors name the parameter', async () => {
    expect((await get('/api/v1/areas')).json.window_start).toBe(new Date(SMALL_W2).toISOString());
    const k28 = await checkWindow(SMALL_W1, [5, 9, 13, 17, 21, 25, 29], 28);
    expect(k28.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect((await get('/api/v1/areas?window=2020-01-01T00:00:00Z')).status).toBe(404);
    expect((await get('/api/v1/areas?k=3')).status).toBe(400);
    expect((await get('/api/v1/areas?windw=latest')).json.parameter).toBe('windw');
  });

  it('GET /api/v1/zones/:system/:zone/series: one row per window, by id or name; unknown zone or system 404', async () => {
    const r = await get('/api/v1/zones/centre/Z1/series');
    expect(r.status).toBe(200);
    expect(r.json.rows.map((x: any) => x.window_start)).toEqual([new Date(SMALL_W1).toISOString(), new Date(SMALL_W2).toISOString()]);
    for (const row of r.json.rows) expect(row.present === null || row.present >= K).toBe(true);
    const byName = await get('/api/v1/zones/centre/centre/series');
    expect(byName.json.rows).toEqual(r.json.rows);
    expect((await get('/api/v1/zones/centre/Z9/series')).status).toBe(404);
    expect((await get('/api/v1/zones/nowhere/Z1/series')).status).toBe(404);
  });
});

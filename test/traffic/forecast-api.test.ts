import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { cellToBoundary, latLngToCell } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { startHttpServer, type RunningHttpServer } from '../../src/outputs/http/start-http-server.ts';

const START = Date.UTC(2026, 2, 2);
const DAYS = 8;
const CELL = latLngToCell(45.4641, 9.1919, 9);

let dir: string;
let srv: RunningHttpServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-forecast-api-'));
  const db = join(dir, 'cp.duckdb'), areas = join(dir, 'areas.geojson');
  writeFileSync(areas, JSON.stringify({
    type: 'FeatureCollection',
    features: [{ type: 'Feature', geometry: { type: 'Polygon', coordinates: [cellToBoundary(CELL, true)] }, properties: { id: 'square', name: 'Square', capacity: 500 } }],
  }));
  const d = await openDatabase(db);
  try {
    const start = `TIMESTAMPTZ '${new Date(START).toISOString()}'`;
    await d.connection.run(`INSERT INTO presence
      SELECT ${start} + to_minutes(i * 5), ${start} + to_minutes(i * 5 + 5), ${BigInt('0x' + CELL)}, 9,
             round(60 + 30 * sin(2 * pi() * i / 288))::INTEGER, 1, 1 FROM range(${DAYS * 288}) t(i)`);
  } finally {
    d.close();
  }
  // the watched areas as the zone system "areas", as docs/forecast.md says
  const out = new PassThrough(), err = new PassThrough();
  const code = await main(['zones', 'load', areas, '--name', 'areas', '--db', db], { env: {}, stdout: out, stderr: err, stdin: Readable.from(['']), signal: new AbortController().signal });
  expect(code).toBe(0);
  srv = await startHttpServer({ dbPath: db, port: 0, k: 20 });
});
afterAll(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string) {
  const res = await fetch(new URL(path, srv.url));
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('GET /api/v1/forecast', () => {
  it('forecasts a watched area of the zone system "areas" one hour ahead', async () => {
    const r = await get('/api/v1/forecast?area=square');
    expect(r.status).toBe(200);
    const f = JSON.parse(r.text) as { area: string; k: number; step_minutes: number; made_at: string; rows: { horizon_min: number; forecast: number; model: string }[] };
    expect([f.area, f.k, f.step_minutes, f.made_at]).toEqual(['square', 20, 5, new Date(START + DAYS * 86_400_000).toISOString()]);
    expect(f.rows.map((x) => x.horizon_min)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60]);
    f.rows.forEach((row, h) => {
      expect(row.model).toBe('ridge');
      expect(Math.abs(row.forecast - Math.round(60 + 30 * Math.sin((2 * Math.PI * (DAYS * 288 + h)) / 288)))).toBeLessThanOrEqual(2);
    });
  });
  it('csv, and clear errors for a missing or unknown area', async () => {
    const csv = await get('/api/v1/forecast?area=square&format=csv');
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    expect(csv.text.trim().split('\n')).toHaveLength(13);
    const missing = await get('/api/v1/forecast');
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/area=ID is required/);
    const unknown = await get('/api/v1/forecast?area=nowhere');
    expect(unknown.status).toBe(404);
    expect((JSON.parse(unknown.text) as { detail: string }).detail).toMatch(/no area "nowhere" in zone system "areas"/);
  });
  it('is in the OpenAPI document', async () => {
    const r = await get('/api/v1/openapi.json');
    expect(Object.keys((JSON.parse(r.text) as { paths: object }).paths)).toContain('/api/v1/forecast');
  });
});

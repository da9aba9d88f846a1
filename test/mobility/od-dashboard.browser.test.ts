// The dashboard's flow layer in a real browser, on a simulated day ingested through the real CLI with
// the trajectory layer on (its default): the flows drawn (deck.gl ArcLayer) are the API's flows of the window's hour.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { cli } from '../support/cli.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = !existsSync(CHROMIUM) && process.env.CI !== 'true';

describe.skipIf(skip)('dashboard flow layer in Chromium', () => {
  let dir: string;
  let srv: RunningHttpServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citypulse-flows-'));
    const env = { CITYPULSE_KEY_FILE: join(dir, 'key') };
    const db = join(dir, 'city.duckdb');
    expect((await cli(['simulate', '--out', dir, '--subscribers', '1200', '--seed', '4'], env)).code).toBe(0);
    const ing = await cli(['ingest', '--from', join(dir, 'events.ndjson'), '--cells', join(dir, 'cells.csv'), '--db', db], env);
    expect(ing.code).toBe(0);
    const z = await cli(['zones', 'load', join(dir, 'zones.geojson'), '--name', 'demo', '--db', db, '--on-overlap', 'first'], env);
    expect(z.stderr + z.stdout).not.toContain('error');
    expect(z.code).toBe(0);
    srv = await startHttpServer({ dbPath: db, port: 0, k: 2 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--no-first-run'] });
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws the hour’s released flows between district centroids and lists the top ones', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${new URL("/", srv.url).href}#window=2026-03-02T07:45:00.000Z&res=8&zones=demo&flows=1`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    await page.waitForSelector('#flows-box:not([hidden])', { timeout: 30_000 });
    const drawn = Number(await page.locator('#map').getAttribute('data-flows'));
    const listed = await page.locator('#flow-list li').allTextContents();
    const api = (await (await fetch(new URL(`/api/v1/od?zones=demo&by=hour&from=2026-03-02T07:00:00Z&to=2026-03-02T08:00:00Z`, srv.url))).json()) as {
      features: { geometry: { type: string }; properties: { origin: string; destination: string; trips: number } }[];
    };
    const expected = api.features.filter((f) => f.geometry.type === 'LineString').map((f) => `${f.properties.origin} → ${f.properties.destination}`);
    expect(expected.length).toBeGreaterThan(0);
    expect(drawn).toBe(expected.length);
    const top = [...api.features].sort((a, b) => b.properties.trips - a.properties.trips).slice(0, 8);
    expect(listed).toEqual(top.map((f) => `${f.properties.origin} → ${f.properties.destination}: ${f.properties.trips.toLocaleString('en-GB')}`));
    expect(await page.isChecked('#layer-flows')).toBe(true);
    expect(problems).toEqual([]);
  });
});

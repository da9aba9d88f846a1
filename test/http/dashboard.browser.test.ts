// The dashboard page in a real browser (Debian's Chromium through playwright-core): hexagons drawn
// match the API, the slider changes the map, nothing is loaded from elsewhere. Leaves a screenshot.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { issueToken } from '../../src/access/issue-token.ts';
import { TokenRegistry } from '../../src/access/token-registry.ts';
import { TokenVerifier } from '../../src/access/token-verifier.ts';
import { startHttpServer, type RunningHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { MILAN_NIL_ATTRIBUTION } from '../../src/outputs/http/zone-attribution.ts';
import { buildCityDb, buildSmallDb } from './fixture.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Skipped only on a machine without Chromium, and never in CI (which installs it).
const skip = !existsSync(CHROMIUM) && process.env.CI !== 'true';

async function buildSmallDbIn(dir: string): Promise<string> {
  const path = join(dir, 'small.duckdb');
  await buildSmallDb(path);
  return path;
}

describe.skipIf(skip)('dashboard page in Chromium', () => {
  let dir: string;
  let srv: RunningHttpServer;
  let browser: Browser;
  let page: Page;
  const external: string[] = [];
  const problems: string[] = [];

  let token = '';
  const api = async (path: string) => (await fetch(new URL(path, srv.url), { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;
  /** The hexagons on the map: window, resolution and h3 ids. */
  const drawn = () =>
    page.evaluate(() => {
      const map = document.getElementById('map')!;
      return { window: map.dataset.window!, res: Number(map.dataset.res), h3: [...map.querySelectorAll('#hexes path.hex')].map((p) => (p as SVGElement).dataset.h3!) };
    });
  const ready = () => page.waitForSelector('body[data-state="ready"]', { timeout: 15_000 });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citypulse-dashboard-'));
    const [dbPath, b] = await Promise.all([
      buildCityDb(dir),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      }),
    ]);
    browser = b;
    // Access control on, as under citypulse serve: the page asks for a token.
    const keys = generateKeyPairSync('ed25519');
    const registry = new TokenRegistry(join(dir, 'tokens.json'));
    const issued = await issueToken(keys.privateKey, keys.publicKey, { name: 'dashboard-test', scopes: ['heatmap:read', 'alerts:read', 'population:read'] });
    registry.add(issued.record);
    token = issued.token;
    srv = await startHttpServer({ dbPath, port: 0, access: { verifier: new TokenVerifier({ publicKey: keys.publicKey, registry }), rateLimit: { burst: 10_000, perSecond: 1_000 } } });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('request', (r) => void (r.url().startsWith(srv.url) || r.url().startsWith('data:') || external.push(r.url())));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
  });
  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('asks for a token, keeps it in sessionStorage, then draws', async () => {
    await page.goto(srv.url);
    await page.waitForSelector('body[data-state="token"]', { timeout: 15_000 });
    expect(await page.locator('#token-form').isVisible()).toBe(true);
    expect(await page.locator('#token-note').textContent()).toMatch(/citypulse tokens create/);
    await page.locator('#token').fill(token);
    await page.locator('#token-submit').click();
    await ready();
    expect(await page.evaluate(() => sessionStorage.getItem('citypulse.token'))).toBe(token);
    expect(await page.locator('#token-form').isVisible()).toBe(false);
  });

  it('draws as many hexagons as the API has features for the window shown (the latest with any)', async () => {
    await page.goto(srv.url);
    await ready();
    const d = await drawn();
    const windows = (await api('/api/v1/windows?res=8')).windows as { start: string; hexagons: number }[];
    expect(d.window).toBe(windows.findLast((w) => w.hexagons > 0)!.start);
    expect(d.res).toBe(8);
    const fc = await api(`/api/v1/heatmap?res=8&window=${d.window}`);
    expect(d.h3.length).toBe(fc.features.length);
    expect(d.h3.length).toBeGreaterThan(0);
    expect(new Set(d.h3)).toEqual(new Set(fc.features.map((f: any) => f.properties.h3)));
    // Districts drawn, their attribution shown, alerts listed, the k-anonymity note.
    expect(await page.locator('#outlines path').count()).toBe(88);
    expect(await page.locator('#attribution').textContent()).toBe(MILAN_NIL_ATTRIBUTION);
    expect(await page.locator('#alerts li .lvl').count()).toBeGreaterThan(0);
    expect(await page.locator('#k-note').textContent()).toMatch(/fewer than k = 20 people are never sent/);
  });

  it('moving the slider changes the map; hover shows h3 and people; screenshot', async () => {
    const before = await drawn();
    const windows = (await api('/api/v1/windows?res=8')).windows as { start: string }[];
    const target = windows.findIndex((w) => w.start === '2026-03-02T19:30:00.000Z');
    expect(target).toBeGreaterThan(0);
    const slider = page.locator('#window-slider');
    const from = Number(await slider.inputValue());
    expect(windows[from]!.start).toBe(before.window);
    await slider.focus();
    for (let i = 0; i < Math.abs(from - target); i++) await page.keyboard.press(from > target ? 'ArrowLeft' : 'ArrowRight');
    await page.waitForFunction((w) => document.getElementById('map')!.dataset.window === w && document.body.dataset.state === 'ready', windows[target]!.start, { timeout: 10_000 });
    const after = await drawn();
    const fc = await api(`/api/v1/heatmap?res=8&window=${after.window}`);
    expect(after.h3.length).toBe(fc.features.length);
    expect(after.h3).not.toEqual(before.h3);
    expect(await page.locator('#when').textContent()).toMatch(/19:30/);
    // The stadium's alerts are in the panel, and this window's are marked.
    expect(await page.locator('#alerts li.current').count()).toBeGreaterThan(0);

    const busiest = fc.features.reduce((a: any, b: any) => (b.properties.present > a.properties.present ? b : a));
    await page.locator(`#hexes path[data-h3="${busiest.properties.h3}"]`).hover();
    const tip = page.locator('#tooltip');
    await expect.poll(() => tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toBe(`${busiest.properties.h3} · ${busiest.properties.present.toLocaleString('en-GB')} people`);

    await page.mouse.move(5, 5);
    await expect.poll(() => page.locator('#districts li').count()).toBeGreaterThan(0);
    // Kept after the run (one PNG in the temp folder) for a reviewer to look at.
    const shot = join(mkdtempSync(join(tmpdir(), 'citypulse-dashboard-shot-')), 'dashboard.png');
    await page.screenshot({ path: shot });
    console.log(`dashboard screenshot: ${shot}`);
    expect(existsSync(shot)).toBe(true);
  });

  it('resolution selector and play button', async () => {
    const at = (await drawn()).window;
    await page.locator('#res').selectOption('9');
    await page.waitForFunction(() => document.getElementById('map')!.dataset.res === '9' && document.body.dataset.state === 'ready');
    const d9 = await drawn();
    expect(d9.window).toBe(at);
    expect(d9.h3.length).toBe((await api(`/api/v1/heatmap?res=9&window=${at}`)).features.length);
    await page.locator('#play').click();
    await page.waitForFunction((w) => document.getElementById('map')!.dataset.window !== w, at, { timeout: 10_000 });
    await page.locator('#play').click();
    expect((await drawn()).window > at).toBe(true);
  });

  it('district outlines and their attribution only while the Milan zones are shown', async () => {
    await page.locator('#zone-system').selectOption('');
    await expect.poll(() => page.locator('#outlines path').count()).toBe(0);
    expect(await page.locator('#attribution').textContent()).toBe('');
    await page.locator('#zone-system').selectOption('milan_nil');
    await expect.poll(() => page.locator('#outlines path').count()).toBe(88);
    expect(await page.locator('#attribution').textContent()).toBe(MILAN_NIL_ATTRIBUTION);
  });

  it('a database without zones or alerts: hexagons, no outlines, no attribution', async () => {
    const small = await startHttpServer({ dbPath: await buildSmallDbIn(dir), port: 0 });
    try {
      const p = await browser.newPage();
      p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await p.goto(small.url);
      await p.waitForSelector('body[data-state="ready"]');
      const w = await p.evaluate(() => document.getElementById('map')!.dataset.window!);
      const fc = (await (await fetch(new URL(`/api/v1/heatmap?res=8&window=${w}`, small.url))).json()) as { features: unknown[] };
      expect(await p.locator('#hexes path.hex').count()).toBe(fc.features.length);
      expect(fc.features.length).toBeGreaterThan(0);
      expect(await p.locator('#outlines path').count()).toBe(0);
      expect(await p.locator('#zone-label').isVisible()).toBe(false);
      expect(await p.locator('#attribution').textContent()).toBe('');
      expect(await p.locator('#alerts').textContent()).toBe('No crowd alerts in this database.');
      await p.close();
    } finally {
      await small.close();
    }
  });

  it('loaded nothing from elsewhere, and no page errors', () => {
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
  });
});

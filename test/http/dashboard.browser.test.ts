// The duty-room dashboard in a real browser (Debian's Chromium through playwright-core, WebGL on
// SwiftShader): a simulated day of Milan served by a real server with watched areas, behind a proxy
// that plays the stream's live endpoint (SSE). The map draws pixels, follows the live window, the
// slider moves through history, an alert jumps to its window and area, a zone shows its day.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/access/issue-token.ts';
import { TokenRegistry } from '../../src/access/token-registry.ts';
import { TokenVerifier } from '../../src/access/token-verifier.ts';
import { startHttpServer, type RunningHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { MILAN_NIL_ATTRIBUTION } from '../../src/outputs/http/zone-attribution.ts';
import { buildCityDb, buildSmallDb } from './fixture.ts';
import { startLiveProxy, type LiveProxy } from './live-proxy.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Skipped only on a machine without Chromium, and never in CI (which installs it).
const skip = !existsSync(CHROMIUM) && process.env.CI !== 'true';
/** Headless Chromium has no GPU here: WebGL through ANGLE on SwiftShader (software). */
const WEBGL_ARGS = ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const T = (iso: string) => Date.parse(iso);

/** Pixels that differ between two PNG screenshots of the same size (decoded by the page's own canvas). */
async function differingPixels(page: Page, a: Buffer, b: Buffer): Promise<number> {
  return page.evaluate(async ([a64, b64]) => {
    const load = (src: string) => new Promise<HTMLImageElement>((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = reject;
      img.src = `data:image/png;base64,${src}`;
    });
    const data = async (src: string) => {
      const img = await load(src);
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      return g.getImageData(0, 0, c.width, c.height).data;
    };
    const [x, y] = await Promise.all([data(a64), data(b64)]);
    let n = 0;
    for (let i = 0; i < x.length; i += 4) if (Math.abs(x[i]! - y[i]!) + Math.abs(x[i + 1]! - y[i + 1]!) + Math.abs(x[i + 2]! - y[i + 2]!) > 30) n++;
    return n;
  }, [a.toString('base64'), b.toString('base64')] as const);
}

describe.skipIf(skip)('duty-room dashboard in Chromium', () => {
  let dir: string;
  let srv: RunningHttpServer;
  let live: LiveProxy;
  let browser: Browser;
  let page: Page;
  const external: string[] = [];
  const problems: string[] = [];
  let token = '';
  const api = async (path: string) => (await fetch(new URL(path, srv.url), { headers: { authorization: `Bearer ${token}` } })).json() as Promise<any>;
  type MapData = { [key: string]: string | number | undefined; mode: string; slider: number; window?: string; flows?: string; features?: string; focusArea?: string };
  const mapData = () => page.evaluate((): MapData => ({ ...(document.getElementById('map')!.dataset as Record<string, string | undefined>), mode: document.body.dataset.mode!, slider: Number((document.getElementById('window-slider') as HTMLInputElement).value) }));
  const ready = (p = page) => p.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
  const shownWindow = (w: string, p = page) => p.waitForFunction((x) => document.getElementById('map')!.dataset.window === x && document.body.dataset.state === 'ready', w, { timeout: 30_000 });
  const watch = (p: Page) => {
    p.on('request', (r) => void (r.url().startsWith(srv.url) || r.url().startsWith(live.url) || r.url().startsWith('data:') || external.push(r.url())));
    p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    p.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'citypulse-dashboard-'));
    const [dbPath, b] = await Promise.all([buildCityDb(dir, 3_000, { roads: true }), chromium.launch({ executablePath: CHROMIUM, args: WEBGL_ARGS })]);
    browser = b;
    // Access control on, as under citypulse serve: the page asks for a token.
    const keys = generateKeyPairSync('ed25519');
    const registry = new TokenRegistry(join(dir, 'tokens.json'));
    const issued = await issueToken(keys.privateKey, keys.publicKey, { name: 'dashboard-test', scopes: ['heatmap:read', 'alerts:read', 'population:read', 'od:read', 'traffic:read'] });
    registry.add(issued.record);
    token = issued.token;
    srv = await startHttpServer({ dbPath, port: 0, areasFile: join(dir, 'areas.geojson'), access: { verifier: new TokenVerifier({ publicKey: keys.publicKey, registry }), rateLimit: { burst: 10_000, perSecond: 1_000 } } });
    // The stream has published up to 20:00 (the stadium crowd is building).
    live = await startLiveProxy(srv.url, T('2026-03-02T20:00:00Z'));
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    watch(page);
  });
  afterAll(async () => {
    await browser?.close();
    await live?.close();
    await srv?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('asks for a token, keeps it in sessionStorage, then draws', async () => {
    await page.goto(live.url);
    await page.waitForSelector('body[data-state="token"]', { timeout: 15_000 });
    expect(await page.locator('#token-note').textContent()).toMatch(/citypulse tokens create/);
    await page.locator('#token').fill(token);
    await page.locator('#token-submit').click();
    await ready();
    expect(await page.evaluate(() => sessionStorage.getItem('citypulse.token'))).toBe(token);
    expect(await page.locator('#token-form').isVisible()).toBe(false);
  });

  it('opens live on the latest published window; the API’s hexagons, zones, areas and the k note', async () => {
    await page.goto(live.url);
    await shownWindow('2026-03-02T19:45:00.000Z');
    await expect.poll(() => page.locator('#live-status').textContent(), { timeout: 10_000 }).toMatch(/live .*server push/);
    const d = await mapData();
    expect(d.mode).toBe('live');
    expect(await page.locator('#back-live').isVisible()).toBe(false);
    const fc = await api(`/api/v1/heatmap?res=8&window=${d.window}`);
    expect(Number(d.features)).toBe(fc.features.length);
    expect(fc.features.length).toBeGreaterThan(0);
    expect(d.zones).toBe('88');
    expect(d.layers).toBe('heatmap,zones,areas');
    expect(await page.locator('#attribution').textContent()).toBe(MILAN_NIL_ATTRIBUTION);
    expect(await page.locator('#k-note').textContent()).toMatch(/fewer than k = 20 people are never sent/);
    // The legend runs from k to this window's busiest hexagon.
    const busiest = Math.max(...fc.features.map((f: any) => f.properties.present));
    expect(await page.locator('#legend-ticks span').last().textContent()).toBe(busiest.toLocaleString('en-GB'));
    // One occupancy gauge per watched area, with the API's figures.
    const areas = await api(`/api/v1/areas?window=${d.window}`);
    expect(await page.locator('#areas li.gauge').count()).toBe(areas.features.length);
    const stadium = areas.features.find((f: any) => f.properties.id.startsWith('stadium'));
    expect(stadium.properties.people).toBeGreaterThan(0);
    expect(await page.locator(`#areas li[data-area="${stadium.properties.id}"] .n`).textContent()).toBe(`${Math.round(stadium.properties.occupancy * 100)} %`);
  });

  it('the map canvas draws: zones and areas by MapLibre, hexagons by deck.gl (pixels change with the layer)', async () => {
    const withHexes = await page.locator('#map').screenshot();
    await page.locator('#layer-heatmap').uncheck();
    await page.waitForFunction(() => document.getElementById('map')!.dataset.layers === 'zones,areas' && document.body.dataset.state === 'ready');
    await page.waitForTimeout(500); // the next animation frame
    const withoutHexes = await page.locator('#map').screenshot();
    await page.locator('#layer-zones').uncheck();
    await page.locator('#layer-areas').uncheck();
    await page.waitForFunction(() => document.getElementById('map')!.dataset.layers === '' && document.body.dataset.state === 'ready');
    await page.waitForTimeout(500);
    const blank = await page.locator('#map').screenshot();
    const hexPixels = await differingPixels(page, withHexes, withoutHexes);
    const basePixels = await differingPixels(page, withoutHexes, blank);
    // A res-8 hexagon is ~0.7 km²: dozens of them cover thousands of pixels at this zoom.
    expect(hexPixels).toBeGreaterThan(2_000);
    expect(basePixels).toBeGreaterThan(2_000);
    for (const id of ['heatmap', 'zones', 'areas']) await page.locator(`#layer-${id}`).check();
    await page.waitForFunction(() => document.getElementById('map')!.dataset.layers === 'heatmap,zones,areas' && document.body.dataset.state === 'ready');
  });

  it('follows a newly published window pushed by the server; an alert pushed shows up', async () => {
    expect(live.clients()).toBeGreaterThan(0);
    live.publishedUntil = T('2026-03-02T20:15:00Z');
    live.send('window', { windowStart: '2026-03-02T20:00:00.000Z', windowEnd: '2026-03-02T20:15:00.000Z', publishedUntil: '2026-03-02T20:15:00.000Z' });
    await shownWindow('2026-03-02T20:00:00.000Z');
    expect((await mapData()).mode).toBe('live');
    expect(await page.locator('#when').textContent()).toMatch(/20:00/);
    const pushed = { alert_id: 'pushed-1', seq: 1, area_id: 'test-area', area_name: 'PUSHED AREA', kind: 'capacity', level: 'warning', peak_level: 'warning', state: 'open', window_start: '2026-03-02T20:00:00.000Z', window_end: '2026-03-02T20:15:00.000Z', people: 300, capacity: 350, below_k: false };
    live.send('alert', pushed);
    await expect.poll(() => page.locator('#alerts li[data-alert="pushed-1"]').count(), { timeout: 10_000 }).toBe(1);
  });

  it('moving the slider leaves live explicitly and changes the map; back to live returns', async () => {
    const before = await mapData();
    const slider = page.locator('#window-slider');
    await slider.focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
    await shownWindow('2026-03-02T19:00:00.000Z');
    const after = await mapData();
    expect(after.mode).toBe('history');
    expect(after.slider).toBe(before.slider - 4);
    expect(await page.locator('#back-live').isVisible()).toBe(true);
    expect(await page.locator('#live-status').textContent()).toMatch(/history/);
    expect(Number(after.features)).toBe((await api('/api/v1/heatmap?res=8&window=2026-03-02T19:00:00Z')).features.length);
    // While in history a new window is published: the page stays where the user is.
    live.publishedUntil = T('2026-03-02T20:30:00Z');
    live.send('window', { windowStart: '2026-03-02T20:15:00.000Z', windowEnd: '2026-03-02T20:30:00.000Z', publishedUntil: '2026-03-02T20:30:00.000Z' });
    await page.waitForFunction(() => Number((document.getElementById('window-slider') as HTMLInputElement).max) >= 1, undefined, { timeout: 10_000 });
    await page.waitForTimeout(500);
    expect((await mapData()).window).toBe('2026-03-02T19:00:00.000Z');
    await page.locator('#back-live').click();
    await shownWindow('2026-03-02T20:15:00.000Z');
    expect((await mapData()).mode).toBe('live');
  });

  it('alerts show their state honestly; clicking one jumps the slider and map to its window and area', async () => {
    const alerts = (await api('/api/v1/alerts?limit=500')).alerts as any[];
    // At 20:15 the stadium incident is open; earlier incidents may be resolved.
    const shown = await page.locator('#alerts li[data-alert]').evaluateAll((lis) => lis.map((li) => ({ id: (li as HTMLElement).dataset.alert!, seq: Number((li as HTMLElement).dataset.seq), state: (li as HTMLElement).dataset.state!, bg: getComputedStyle(li.querySelector('.lvl')!).backgroundColor, cls: li.className })));
    expect(shown.length).toBeGreaterThan(0);
    for (const s of shown.filter((x) => x.id !== 'pushed-1')) {
      const events = alerts.filter((a) => a.alert_id === s.id && Date.parse(a.window_start) <= T('2026-03-02T20:15:00Z'));
      expect(s.seq).toBe(Math.max(...events.map((a) => a.seq)));
      if (s.state === 'resolved') expect(s.bg).not.toBe('rgb(192, 57, 43)');
    }
    const resolvedAnywhere = alerts.find((a) => a.state === 'resolved');
    expect(resolvedAnywhere).toBeDefined();
    const target = shown.find((s) => s.id !== 'pushed-1' && s.state !== 'resolved') ?? shown.find((s) => s.id !== 'pushed-1')!;
    const event = alerts.find((a) => a.alert_id === target.id && a.seq === target.seq);
    await page.locator(`#alerts li[data-alert="${target.id}"] button`).click();
    await shownWindow(new Date(event.window_start).toISOString());
    const d = await mapData();
    expect(d.mode).toBe('history');
    expect(d.focusArea).toBe(event.area_id);
    const windows = ((await api('/api/v1/windows?res=8')).windows as { start: string }[]).map((w) => w.start);
    expect(d.slider).toBe(windows.indexOf(new Date(event.window_start).toISOString()));
    expect(await page.locator(`#alerts li[data-alert="${target.id}"]`).getAttribute('class')).toMatch(/selected/);
    // Later, when that incident has resolved, it is greyed and says so.
    const resolved = alerts.find((a) => a.alert_id === target.id && a.state === 'resolved');
    expect(resolved).toBeDefined();
    {
      // The rest of the day is published; the page, in history, stays where it is and lists the new windows.
      live.publishedUntil = Infinity;
      live.send('window', { windowStart: windows.at(-1), windowEnd: windows.at(-1), publishedUntil: windows.at(-1) });
      await page.waitForFunction((n) => Number((document.getElementById('window-slider') as HTMLInputElement).max) === n - 1, windows.length, { timeout: 10_000 });
      expect((await mapData()).window).toBe(new Date(event.window_start).toISOString());
      const idx = windows.indexOf(new Date(resolved.window_start).toISOString());
      await page.locator('#window-slider').fill(String(idx));
      await shownWindow(windows[idx]!);
      const li = page.locator(`#alerts li[data-alert="${target.id}"]`);
      expect(await li.getAttribute('data-state')).toBe('resolved');
      expect(await li.textContent()).toMatch(/resolved \(peak (notice|warning|critical)\)/);
      expect(await li.locator('.lvl').evaluate((e) => getComputedStyle(e).backgroundColor)).not.toBe('rgb(192, 57, 43)');
    }
  });

  it('a zone shows its day: the chart has the API’s windows that reach k', async () => {
    // The second busiest (the map is over the busiest, the stadium, since the alert's jump).
    await page.locator('#districts li button').nth(1).click();
    await page.waitForSelector('#zone-box:not([hidden]) #zone-chart path.line', { timeout: 15_000 });
    const title = (await page.locator('#zone-title').textContent())!.replace(/^Zone: /, '');
    const zones = await api('/api/v1/zones/milan_nil');
    const zone = zones.features.find((f: any) => f.properties.zone_name === title);
    const series = await api(`/api/v1/zones/milan_nil/${encodeURIComponent(zone.properties.zone_id)}/series`);
    const known = series.rows.filter((r: any) => r.present !== null).length;
    expect(known).toBeGreaterThan(0);
    expect(await page.locator('#zone-chart').getAttribute('data-points')).toBe(String(known));
    expect(await page.locator('#zone-chart line.now').count()).toBe(1);
    // A click on the map picks the zone under it (MapLibre's zone layer under deck.gl's canvas).
    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForFunction((t) => document.getElementById('zone-title')!.textContent !== t, `Zone: ${title}`, { timeout: 15_000 });
    const picked = (await page.locator('#zone-title').textContent())!.replace(/^Zone: /, '');
    expect(zones.features.map((f: any) => f.properties.zone_name)).toContain(picked);
  });

  it('flows and population layers: ArcLayer of the hour’s OD flows, population choropleth note', async () => {
    await page.locator('#layer-flows').check();
    await page.waitForSelector('#flows-box:not([hidden])');
    const d = await mapData();
    const hour = Math.floor(T(d.window!) / 3_600_000) * 3_600_000;
    const od = await api(`/api/v1/od?zones=milan_nil&by=hour&from=${hour}&to=${hour + 3_600_000}`);
    await expect.poll(async () => (await mapData()).flows, { timeout: 30_000 }).toBe(String(od.features.filter((f: any) => f.geometry.type === 'LineString').length));
    await page.locator('#layer-population').check();
    await page.waitForSelector('#population-box:not([hidden])');
    await expect.poll(() => page.locator('#population-note').textContent(), { timeout: 60_000 }).toMatch(/zones released \(k = 20\)|Population not available/);
    const pop = await api('/api/v1/population?zones=milan_nil');
    expect(await page.locator('#population-note').textContent()).toMatch(new RegExp(`^${pop.zones.length} zones released`));
    await page.locator('#layer-flows').uncheck();
    await page.locator('#layer-population').uncheck();
  });

  it('traffic layer: a PathLayer of the API’s corridors in the selected window, coloured by congestion, with a legend', async () => {
    // the morning peak's busiest 15-minute window (by corridors released)
    const morning = await api('/api/v1/traffic?bin=15m&from=2026-03-02T07:00:00Z&to=2026-03-02T09:00:00Z');
    const perBin = new Map<string, number>();
    for (const f of morning.features) perBin.set(f.properties.bin_start, (perBin.get(f.properties.bin_start) ?? 0) + 1);
    const bin = [...perBin].sort((a, b) => b[1] - a[1])[0]![0];
    const w = new Date(T(bin)).toISOString();
    // what the page asks for: that window's 15-minute bins (the release is built over the range asked)
    const inWindow = await api(`/api/v1/traffic?bin=15m&from=${T(bin)}&to=${T(bin) + 900_000}`);
    const corridors = new Set(inWindow.features.map((f: any) => f.properties.corridor));
    expect(corridors.size).toBeGreaterThan(0);
    await page.goto(`${live.url}#window=${w}&res=8&heatmap=0&zones=milan_nil`);
    await page.evaluate((t) => sessionStorage.setItem('citypulse.token', t), token);
    await page.reload(); // a hash change alone does not restart the page
    await shownWindow(w);
    await page.waitForTimeout(500);
    const before = await page.locator('#map').screenshot();
    expect(await page.locator('#traffic-legend').isVisible()).toBe(false);
    await page.locator('#layer-traffic').check();
    await page.waitForSelector('#traffic-legend:not([hidden])');
    await expect.poll(async () => (await mapData()).traffic, { timeout: 30_000 }).toBe(String(corridors.size));
    expect((await mapData()).layers).toContain('traffic');
    expect(await page.locator('#traffic-note').textContent()).toMatch(new RegExp(`^${corridors.size} corridors with ≥ k = 20 devices \\(15m bins\\)`));
    await page.waitForTimeout(500);
    const after = await page.locator('#map').screenshot();
    expect(await differingPixels(page, before, after)).toBeGreaterThan(100);
    await page.locator('#layer-traffic').uncheck();
    await page.waitForSelector('#traffic-legend[hidden]', { state: 'attached' });
  });

  it('a narrow screen: the map and the panel stack, nothing overflows sideways', async () => {
    const p = await browser.newPage({ viewport: { width: 390, height: 844 } });
    watch(p);
    await p.goto(live.url);
    await p.evaluate((t) => sessionStorage.setItem('citypulse.token', t), token);
    await p.reload();
    await ready(p);
    const box = await p.locator('#map').boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(box!.height).toBeGreaterThan(300);
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
    // The side panel comes below the map, at its full height (the page scrolls, not the panel).
    const side = (await p.locator('#side').boundingBox())!;
    expect(side.y).toBeGreaterThan(box!.y + box!.height - 1);
    expect(side.height).toBeGreaterThan(300);
    expect(await p.locator('#alerts li').first().isVisible()).toBe(true);
    await p.close();
  });

  it('under citypulse serve (the live route says it serves a file): polls, and draws a database without zones, areas or alerts', async () => {
    await buildSmallDb(join(dir, 'small.duckdb'));
    const small = await startHttpServer({ dbPath: join(dir, 'small.duckdb'), port: 0 });
    try {
      const p = await browser.newPage();
      const own: string[] = [];
      p.on('pageerror', (e) => own.push(`page error: ${e.message}`));
      p.on('console', (m) => void (m.type() === 'error' && own.push(m.text())));
      await p.goto(small.url);
      await ready(p);
      await expect.poll(() => p.locator('#live-status').textContent(), { timeout: 10_000 }).toMatch(/polling every 30 s/);
      const w = await p.evaluate(() => document.getElementById('map')!.dataset.window!);
      const fc = (await (await fetch(new URL(`/api/v1/heatmap?res=8&window=${w}`, small.url))).json()) as { features: unknown[] };
      expect(fc.features.length).toBeGreaterThan(0);
      expect(await p.evaluate(() => document.getElementById('map')!.dataset.features)).toBe(String(fc.features.length));
      expect(await p.locator('#zone-label').isVisible()).toBe(false);
      expect(await p.locator('#areas-box').isVisible()).toBe(false);
      expect(await p.locator('#attribution').textContent()).toBe('');
      expect(await p.locator('#alerts').textContent()).toBe('No crowd alerts in this database.');
      expect(own).toEqual([]);
      await p.close();
    } finally {
      await small.close();
    }
  });

  it('loaded nothing from elsewhere, and no page or console errors', () => {
    expect(external).toEqual([]);
    expect(problems).toEqual([]);
  });
});

/**
 * Screenshots with Debian's Chromium (never a downloaded browser):
 *   node scripts/screenshot.ts IN.svg|IN.html OUT.png [width]       a local SVG or HTML file
 *   node scripts/screenshot.ts dashboard --db FILE [--areas FILE] [--window ISO] --out OUT.png [--alert-out OUT2.png]
 *       the dashboard served from FILE (citypulse serve, in-process, no token) at 1280×800, showing
 *       `--window` (default: live, the latest); `--alert-out` then clicks the first open alert of
 *       the list (else the first one) and shoots the jump to its window and area.
 * The README's docs/dashboard.png and docs/dashboard-alert.png are made with the second form from the
 * Milan day of test/http/fixture.ts (see README "HTTP API and dashboard").
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { startHttpServer } from '../src/outputs/http/start-http-server.ts';

/** WebGL without a GPU: ANGLE on SwiftShader (the dashboard's MapLibre GL and deck.gl need it). */
const ARGS = ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const launch = () => chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });

async function file(input: string, output: string, width: string): Promise<void> {
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: Number(width), height: 600 } });
    if (input.endsWith('.svg')) {
      // The SVG inline in a page: screenshots of bare SVG documents can stall in headless mode.
      await page.setContent(`<html><body style="margin:0">${readFileSync(input, 'utf8')}</body></html>`);
      await page.locator('svg').first().screenshot({ path: output, timeout: 60_000 });
    } else {
      await page.goto('file://' + resolve(input));
      await page.screenshot({ path: output, fullPage: true, timeout: 60_000 });
    }
  } finally {
    await browser.close();
  }
}

async function dashboard(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({ args: argv, options: { db: { type: 'string' }, areas: { type: 'string' }, window: { type: 'string' }, out: { type: 'string' }, 'alert-out': { type: 'string' } } });
  if (!v.db || !v.out) throw new Error('dashboard needs --db FILE and --out OUT.png');
  const srv = await startHttpServer({ dbPath: v.db, port: 0, ...(v.areas ? { areasFile: v.areas } : {}) });
  let browser: Browser | undefined;
  try {
    browser = await launch();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
    const ready = () => page.waitForSelector('body[data-state="ready"]', { timeout: 60_000 });
    await page.goto(srv.url + (v.window ? `#window=${new Date(v.window).toISOString()}` : ''));
    await ready();
    await page.waitForTimeout(1_500); // map tiles of our own GeoJSON and the deck.gl frame
    await page.screenshot({ path: v.out });
    process.stdout.write(`${v.out}: window ${await page.locator('#map').getAttribute('data-window')}\n`);
    if (v['alert-out']) {
      const open = page.locator('#alerts li[data-alert]:not([data-state="resolved"]) button');
      await ((await open.count()) > 0 ? open.first() : page.locator('#alerts li[data-alert] button').first()).click();
      await page.waitForTimeout(500);
      await ready();
      await page.waitForTimeout(1_500); // the fly to the area
      await page.screenshot({ path: v['alert-out'] });
      process.stdout.write(`${v['alert-out']}: window ${await page.locator('#map').getAttribute('data-window')}, area ${await page.locator('#map').getAttribute('data-focus-area')}\n`);
    }
  } finally {
    await browser?.close();
    await srv.close();
  }
}

const [first, ...rest] = process.argv.slice(2);
if (first === 'dashboard') {
  await dashboard(rest);
} else {
  const [input, output, width = '900'] = process.argv.slice(2);
  if (!input || !output) {
    process.stderr.write('usage: node scripts/screenshot.ts IN.svg|IN.html OUT.png [width]\n       node scripts/screenshot.ts dashboard --db FILE [--areas FILE] [--window ISO] --out OUT.png [--alert-out OUT2.png]\n');
    process.exit(2);
  }
  await file(input, output, width);
}

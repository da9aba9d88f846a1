/**
 * Renders a local SVG or HTML file to PNG with Debian's Chromium (never a downloaded browser):
 *   node scripts/screenshot.ts IN.svg OUT.png [width]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';

const [input, output, width = '900'] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: node scripts/screenshot.ts IN.svg|IN.html OUT.png [width]\n');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
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

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The dashboard as served: one HTML document, and the Content-Security-Policy that pins its inline code. */
export interface DashboardPage {
  html: string;
  /** Allows the page's inline script and style (by hash), this server's files and requests to it only. */
  contentSecurityPolicy: string;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The page's own code, inlined in this order into one module script. */
const SCRIPTS = ['map-layers.js', 'live-follow.js', 'zone-chart.js', 'dashboard.js'] as const;

/**
 * Builds the dashboard page from `dashboard/` (HTML template, CSS and JS inlined into it). The map
 * libraries (MapLibre GL, deck.gl, h3-js) come from this server's `/vendor/` routes (vendor-routes.ts);
 * the CSP forbids every other origin, and MapLibre's worker may only be this server's file.
 */
export function dashboardPage(): DashboardPage {
  const read = (name: string) => readFileSync(new URL(`./dashboard/${name}`, import.meta.url), 'utf8');
  const css = read('dashboard.css');
  const js = SCRIPTS.map(read).join('\n');
  // Function replacers: `$` in the code must not be read as a replacement pattern.
  const html = read('dashboard.html')
    .replace('/*CSS*/', () => css)
    .replace('/*JS*/', () => js);
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src 'self' ${sha256(js)}`,
    `style-src 'self' ${sha256(css)}`,
    "worker-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data: blob:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The dashboard as served: one HTML document, and the Content-Security-Policy that pins its inline code. */
export interface DashboardPage {
  html: string;
  /** Allows exactly the page's inline script and style (by hash) and requests to this server only. */
  contentSecurityPolicy: string;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Builds the dashboard page from `dashboard/` (HTML template, CSS, JS inlined into it). Nothing on it
 * loads from elsewhere: the CSP forbids every origin but this server's, and the map is SVG drawn by
 * the page from the API's GeoJSON.
 */
export function dashboardPage(): DashboardPage {
  const read = (name: string) => readFileSync(new URL(`./dashboard/${name}`, import.meta.url), 'utf8');
  const css = read('dashboard.css');
  const js = read('dashboard.js');
  // Function replacers: `$` in the code must not be read as a replacement pattern.
  const html = read('dashboard.html')
    .replace('/*CSS*/', () => css)
    .replace('/*JS*/', () => js);
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src ${sha256(js)}`,
    `style-src ${sha256(css)}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

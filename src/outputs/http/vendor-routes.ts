import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Route } from './api-route-types.ts';
import type { Reply } from './reply.ts';

/**
 * The browser libraries the dashboard page loads, served from node_modules by this server (no CDN):
 * URL path → package and file inside it. MapLibre GL's module finds its worker beside itself
 * (`import.meta.url`), so both live under `/vendor/`; deck.gl's UMD bundle reads h3-js from the
 * global `h3`, which h3-js's UMD bundle sets.
 */
export const VENDOR_FILES = {
  'maplibre-gl.mjs': { pkg: 'maplibre-gl', file: 'dist/maplibre-gl.mjs', type: 'text/javascript; charset=utf-8' },
  'maplibre-gl-worker.mjs': { pkg: 'maplibre-gl', file: 'dist/maplibre-gl-worker.mjs', type: 'text/javascript; charset=utf-8' },
  'maplibre-gl.css': { pkg: 'maplibre-gl', file: 'dist/maplibre-gl.css', type: 'text/css; charset=utf-8' },
  'deck.gl.min.js': { pkg: 'deck.gl', file: 'dist.min.js', type: 'text/javascript; charset=utf-8' },
  'h3-js.umd.js': { pkg: 'h3-js', file: 'dist/h3-js.umd.js', type: 'text/javascript; charset=utf-8' },
} as const;

/**
 * The directory of an installed package: the first `node_modules/<pkg>` up from this file, as Node
 * would find it (a package's `exports` may hide its `package.json` and dist files from `require.resolve`).
 */
function packageDir(pkg: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', pkg);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`the dashboard needs the npm package ${pkg}, which is not installed (npm install)`);
  }
}

/**
 * `GET /vendor/<file>`: the files of {@link VENDOR_FILES}, read once on first request and kept in
 * memory (a few MB; gzipped per request by the server like any large body). They are open (no token)
 * like the page itself, and cached by browsers for a day.
 */
export function vendorRoutes(): Route[] {
  const cache = new Map<string, Reply>();
  return Object.entries(VENDOR_FILES).map(([name, v]) => ({
    path: `/vendor/${name}`,
    handler: async () => {
      let reply = cache.get(name);
      if (!reply) {
        reply = { contentType: v.type, body: readFileSync(join(packageDir(v.pkg), v.file)), maxAge: 86_400 };
        cache.set(name, reply);
      }
      return reply;
    },
  }));
}

import { basename } from 'node:path';
import { queryHeatmap } from '../export/heatmap-query.ts';
import { heatmapToCsv, heatmapToGeoJson } from '../export/heatmap-writers.ts';
import { ApiError } from './api-error.ts';
import { unknownZoneSystem } from '../../zones/unknown-zone-system.ts';
import { areasRoute } from './areas-route.ts';
import { forecastRoute } from './forecast-route.ts';
import { odRoute } from './od-route.ts';
import { trafficRoute } from './traffic-route.ts';
import { populationRoutes } from './population-routes.ts';
import { openApiDocument } from './openapi.ts';
import { queryAlerts } from './query-alerts.ts';
import { QueryString } from './query-string.ts';
import { queryWindows, type WindowsResult } from './query-windows.ts';
import { listZoneSystems, zoneOutlines } from './query-zones.ts';
import { jsonReply, type Reply } from './reply.ts';
import { vendorRoutes } from './vendor-routes.ts';
import { zoneAttribution } from './zone-attribution.ts';
import { zoneSeriesRoute } from './zone-series-route.ts';

export type { ApiContext, RouteRequest, Route } from './api-route-types.ts';
import type { ApiContext, Route } from './api-route-types.ts';

const HEATMAP_API_FORMATS = ['geojson', 'csv'] as const;
const MAX_RES = 15;

/**
 * The routes of the API and the page. The database is read-only and nothing else can write it while
 * the server holds it (DuckDB's file lock), so windows and heatmaps are computed once and cached.
 */
export function apiRoutes(ctx: ApiContext): Route[] {
  const windowsCache = new Map<string, Promise<WindowsResult>>();
  const heatmapCache = new Map<string, Reply>();
  const openapi = JSON.stringify(openApiDocument({ k: ctx.k, queries: ctx.catalogue.list(), maxRows: ctx.maxRows, maxFeatures: ctx.maxFeatures, version: ctx.version }));
  const maxAge = ctx.cacheSeconds;

  const windows = (res: number, k: number): Promise<WindowsResult> => {
    const key = `${res}:${k}`;
    let hit = windowsCache.get(key);
    if (!hit) {
      hit = ctx.runner.run((conn) => queryWindows(conn, res, k, ctx.k));
      hit.catch(() => windowsCache.delete(key));
      windowsCache.set(key, hit);
    }
    return hit;
  };
  const checkRes = (res: number, baseRes: number | null) => {
    if (baseRes !== null && res > baseRes) throw new ApiError('bad_parameter', `res must be an integer from 0 to the base resolution ${baseRes}, got ${res}`, { parameter: 'res' });
  };
  const zoneSystemExists = async (system: string) => {
    const systems = await ctx.runner.run((conn) => listZoneSystems(conn));
    if (!systems.some((s) => s.name === system)) {
      throw new ApiError('not_found', unknownZoneSystem(system, systems.map((s) => s.name)).message);
    }
  };

  return [
    {
      path: '/',
      handler: async () => {
        return { contentType: 'text/html; charset=utf-8', body: ctx.page.html, maxAge: 0, headers: { 'content-security-policy': ctx.page.contentSecurityPolicy, 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' } };
      },
    },
    {
      path: '/healthz',
      handler: async (req) => {
        new QueryString(req.query, []);
        const [count, latest] = await ctx.runner.run(async (conn) => {
          const r = await conn.runAndReadAll('SELECT count(DISTINCT window_start)::INTEGER, epoch_ms(max(window_end)) FROM release_elements');
          return r.getRowsJS()[0] as [number, bigint | null];
        });
        return jsonReply({
          status: 'ok',
          db: basename(ctx.dbPath),
          k: ctx.k,
          windows: count,
          latest_window_end: latest === null ? null : new Date(Number(latest)).toISOString(),
          uptime_s: Math.round((Date.now() - ctx.startedAt) / 1000),
        });
      },
    },
    {
      path: '/api/v1/openapi.json',
      handler: async (req) => {
        new QueryString(req.query, []);
        return { contentType: 'application/json; charset=utf-8', body: openapi, maxAge };
      },
    },
    {
      path: '/api/v1/windows',
      handler: async (req) => {
        const q = new QueryString(req.query, ['res', 'k', 'from', 'to']);
        const res = q.int('res', 0, MAX_RES, 8);
        const k = q.k(ctx.k);
        const from = q.time('from') ?? -Infinity;
        const to = q.time('to') ?? Infinity;
        const w = await windows(res, k);
        checkRes(res, w.baseRes);
        const all = w.windows.filter((x) => x.start >= from && x.start < to);
        const sent = all.slice(-ctx.maxRows);
        return jsonReply(
          {
            res,
            base_res: w.baseRes,
            k,
            note: `devices: people in the released hexagons at res ${res}, each a sum of release elements of at least k = ${k} people (docs/privacy.md); hexagons with people that show nothing are counted in suppressed_hexagons`,
            bbox: w.bbox,
            count: sent.length,
            truncated: sent.length < all.length,
            windows: sent.map((x) => ({
              start: new Date(x.start).toISOString(),
              end: new Date(x.end).toISOString(),
              devices: x.devices,
              hexagons: x.hexagons,
              suppressed_hexagons: x.suppressedHexagons,
              max_present: x.maxPresent,
            })),
          },
          maxAge,
        );
      },
    },
    {
      path: '/api/v1/heatmap',
      handler: async (req) => {
        const q = new QueryString(req.query, ['res', 'window', 'format', 'k']);
        const res = q.int('res', 0, MAX_RES, 8);
        const k = q.k(ctx.k);
        const format = q.oneOf('format', HEATMAP_API_FORMATS, 'geojson');
        const at = q.get('window') === undefined || q.get('window') === 'latest' ? 'latest' : q.time('window')!;
        const w = await windows(res, k);
        checkRes(res, w.baseRes);
        if (w.windows.length === 0) throw new ApiError('not_found', 'no closed windows in this database yet');
        const win = at === 'latest' ? w.windows[w.windows.length - 1]! : w.windows.find((x) => x.start <= at && at < x.end);
        if (!win) throw new ApiError('not_found', `no closed window contains ${new Date(at).toISOString()} (see /api/v1/windows)`);
        const key = `${res}:${k}:${format}:${win.start}`;
        const cached = heatmapCache.get(key);
        if (cached) return cached;
        const result = await ctx.runner.run((conn) => queryHeatmap(conn, { res, k, releaseK: ctx.k, from: win.start, to: win.start + 1 }));
        if (result.cells.length > ctx.maxFeatures) {
          throw new ApiError('response_too_large', `this window has ${result.cells.length} hexagons at res ${res}, more than the ${ctx.maxFeatures} a response holds; ask for a coarser res`);
        }
        const headers = { 'x-citypulse-k': String(k), 'x-citypulse-suppressed': String(result.suppressed) };
        const reply: Reply =
          format === 'csv'
            ? { contentType: 'text/csv; charset=utf-8', body: heatmapToCsv(result.cells), maxAge, headers }
            : {
                ...jsonReply(
                  {
                    ...heatmapToGeoJson(result.cells),
                    window_start: new Date(win.start).toISOString(),
                    window_end: new Date(win.end).toISOString(),
                    res,
                    k,
                    suppressed_hexagons: result.suppressed,
                  },
                  maxAge,
                  'application/geo+json',
                ),
                headers,
              };
        if (heatmapCache.size >= 512) heatmapCache.delete(heatmapCache.keys().next().value!);
        heatmapCache.set(key, reply);
        return reply;
      },
    },
    {
      path: '/api/v1/zones',
      handler: async (req) => {
        new QueryString(req.query, []);
        const systems = await ctx.runner.run((conn) => listZoneSystems(conn));
        return jsonReply({ zone_systems: systems.map((s) => ({ name: s.name, zones: s.zones, area_km2: s.areaKm2, ...(s.attribution ? { attribution: s.attribution } : {}) })) }, maxAge);
      },
    },
    {
      path: '/api/v1/zones/:system',
      handler: async (req) => {
        new QueryString(req.query, []);
        const system = req.params.system!;
        const outlines = await ctx.runner.run((conn) => zoneOutlines(conn, system));
        if (!outlines) await zoneSystemExists(system);
        return jsonReply(outlines, maxAge, 'application/geo+json');
      },
    },
    {
      path: '/api/v1/zones/:system/totals',
      handler: async (req) => {
        const q = new QueryString(req.query, ['from', 'to', 'k']);
        const system = req.params.system!;
        const raw: [string, string][] = [['zone_system', system]];
        for (const name of ['from', 'to'] as const) {
          const t = q.time(name);
          if (t !== undefined) raw.push([name, new Date(t).toISOString()]);
        }
        raw.push(['k', String(q.k(ctx.k))]);
        await zoneSystemExists(system);
        const answer = await ctx.runner.run((conn) => ctx.catalogue.run(conn, 'zone_totals', raw, ctx.k, ctx.maxRows));
        const attribution = zoneAttribution(system);
        return jsonReply({ ...answer, ...(attribution ? { attribution } : {}) }, maxAge);
      },
    },
    {
      path: '/api/v1/queries',
      handler: async (req) => {
        new QueryString(req.query, []);
        return jsonReply({ queries: ctx.catalogue.list().map(({ name, purpose, params, returns }) => ({ name, purpose, params, returns, url: `/api/v1/queries/${name}` })) }, maxAge);
      },
    },
    {
      path: '/api/v1/queries/:name',
      handler: async (req) => {
        const q = new QueryString(req.query, null);
        const name = req.params.name!;
        ctx.catalogue.get(name);
        const answer = await ctx.runner.run((conn) => ctx.catalogue.run(conn, name, q.entries(), ctx.k, ctx.maxRows));
        return jsonReply(answer, maxAge);
      },
    },
    {
      path: '/api/v1/alerts',
      handler: async (req) => {
        const q = new QueryString(req.query, ['since', 'limit', 'k']);
        const since = q.time('since');
        const limit = q.int('limit', 1, 1000, 100);
        const k = q.k(ctx.k);
        const { alerts, truncated } = await ctx.runner.run((conn) => queryAlerts(conn, { since, limit, k }));
        return jsonReply({ k, count: alerts.length, truncated, alerts }, maxAge);
      },
    },
    odRoute(ctx),
    trafficRoute(ctx),
    ...populationRoutes(ctx),
    areasRoute(ctx, ctx.areas ?? []),
    zoneSeriesRoute(ctx),
    ...vendorRoutes(),
    forecastRoute(ctx),
  ];
}

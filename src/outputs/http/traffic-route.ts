import { hasTrafficTables } from '../../traffic/duckdb/load-hops.ts';
import { buildTrafficExport } from '../../traffic/export/build-traffic-export.ts';
import { trafficToCsv, trafficToGeoJson } from '../../traffic/export/traffic-writers.ts';
import { ApiError } from './api-error.ts';
import type { ApiContext, Route } from './api-route-types.ts';
import { QueryString } from './query-string.ts';
import { jsonReply } from './reply.ts';

const TRAFFIC_API_FORMATS = ['geojson', 'csv'] as const;
const TRAFFIC_API_BINS = ['5m', '15m'] as const;

/**
 * `GET /api/v1/traffic`: flow, speed, travel time and congestion per learned corridor and bin
 * (docs/traffic.md), flows released differencing-safe with the server's k (or a stricter one):
 * `bin=5m|15m`, `from`, `to`, `format=geojson|csv`.
 */
export function trafficRoute(ctx: ApiContext): Route {
  return {
    path: '/api/v1/traffic',
    handler: async (req) => {
      const q = new QueryString(req.query, ['bin', 'from', 'to', 'k', 'format']);
      const bin = q.oneOf('bin', TRAFFIC_API_BINS, '5m');
      const format = q.oneOf('format', TRAFFIC_API_FORMATS, 'geojson');
      const k = q.k(ctx.k);
      const from = q.time('from'), to = q.time('to');
      const result = await ctx.runner.run(async (conn) => {
        if (!(await hasTrafficTables(conn))) throw new ApiError('not_found', 'this database has no traffic_hops table');
        return buildTrafficExport(conn, { from, to, binMs: bin === '5m' ? 300_000 : 900_000, k });
      });
      if (result.rows.length > ctx.maxFeatures) {
        throw new ApiError('response_too_large', `${result.rows.length} corridor-bins, more than the ${ctx.maxFeatures} a response holds; narrow from/to or use bin=15m`);
      }
      const headers = { 'x-citypulse-k': String(k), 'x-citypulse-withheld-bins': String(result.withheldBins) };
      if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', body: trafficToCsv(result.rows), maxAge: ctx.cacheSeconds, headers };
      return {
        ...jsonReply({ ...trafficToGeoJson(result.rows, result.corridors), bin, k, withheld_bins: result.withheldBins }, ctx.cacheSeconds, 'application/geo+json'),
        headers,
      };
    },
  };
}

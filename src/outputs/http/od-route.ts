import { OD_BY, OD_VARIANTS } from '../../mobility/engine/od-cell.ts';
import { DEFAULT_MOBILITY_CONFIG } from '../../mobility/engine/mobility-config.ts';
import { buildOdExport } from '../../mobility/export/build-od-export.ts';
import { odToCsv, odToGeoJson } from '../../mobility/export/od-writers.ts';
import { ApiError } from './api-error.ts';
import type { ApiContext, Route } from './api-routes.ts';
import { QueryString } from './query-string.ts';
import { jsonReply } from './reply.ts';

const OD_API_FORMATS = ['geojson', 'csv'] as const;

/**
 * `GET /api/v1/od`: origin–destination flows from the trajectory tables, released differencing-safe
 * with the server's k (or a stricter one): `zones=NAME` or `res=R` (≤ 8), `by=hour|day|total`
 * (default total), `variant=consecutive|all-pairs`, `from`, `to`, `format=geojson|csv`.
 */
export function odRoute(ctx: ApiContext): Route {
  return {
    path: '/api/v1/od',
    handler: async (req) => {
      const q = new QueryString(req.query, ['zones', 'res', 'by', 'variant', 'from', 'to', 'k', 'format']);
      const zones = q.get('zones');
      if ((zones === undefined) === (q.get('res') === undefined)) {
        throw new ApiError('bad_parameter', 'give exactly one of zones=NAME or res=R', { parameter: 'zones' });
      }
      const space = zones !== undefined ? { zones } : { res: q.int('res', 0, DEFAULT_MOBILITY_CONFIG.stayRes, 7) };
      const by = q.oneOf('by', OD_BY, 'total');
      const variant = q.oneOf('variant', OD_VARIANTS, 'consecutive');
      const format = q.oneOf('format', OD_API_FORMATS, 'geojson');
      const k = q.k(ctx.k);
      const from = q.time('from'), to = q.time('to');
      let result;
      try {
        result = await ctx.runner.run((conn) => buildOdExport(conn, { space, variant, by, k, from, to }));
      } catch (err) {
        if (err instanceof RangeError) throw new ApiError('not_found', err.message);
        throw err;
      }
      if (result.rows.length > ctx.maxFeatures) {
        throw new ApiError('response_too_large', `${result.rows.length} flows, more than the ${ctx.maxFeatures} a response holds; narrow from/to or use by=total`);
      }
      const headers = { 'x-citypulse-k': String(k), 'x-citypulse-withheld-trips': String(result.withheld) };
      if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', body: odToCsv(result.rows, by), maxAge: ctx.cacheSeconds, headers };
      return {
        ...jsonReply({ ...odToGeoJson(result.rows, by), by, variant, k, withheld_trips: result.withheld }, ctx.cacheSeconds, 'application/geo+json'),
        headers,
      };
    },
  };
}

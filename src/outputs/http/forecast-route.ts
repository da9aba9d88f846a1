import { CitypulseError } from '../../core/citypulse-error.ts';
import { buildAreaForecast, DEFAULT_AREA_ZONES, findForecastArea } from '../../traffic/duckdb/forecast-area.ts';
import { areaForecastCsv, areaForecastJson } from '../../traffic/forecast/released-forecast.ts';
import { hasTrafficTables } from '../../traffic/duckdb/load-hops.ts';
import { buildCorridorForecast, CORRIDOR_METRICS } from '../../traffic/export/corridor-forecast.ts';
import { ApiError } from './api-error.ts';
import type { ApiContext, Route } from './api-route-types.ts';
import { QueryString } from './query-string.ts';
import { jsonReply } from './reply.ts';

const FORECAST_FORMATS = ['json', 'csv'] as const;

/**
 * `GET /api/v1/forecast?area=ID[&zones=NAME&at=T&k=K&format=json|csv]`: the one-hour forecast of a
 * watched area's occupancy (docs/forecast.md). The area is a zone of a loaded zone system (default
 * `areas`: `citypulse zones load areas.geojson --name areas`); built from released counts only,
 * values below k withheld (null).
 * `?corridor=ID[&metric=flow|speed]` instead: a learned traffic corridor's flow (released, < k withheld)
 * or median speed (km/h), same forecasters and shape with `corridor` and `metric` fields.
 */
export function forecastRoute(ctx: ApiContext): Route {
  return {
    path: '/api/v1/forecast',
    handler: async (req) => {
      const q = new QueryString(req.query, ['area', 'corridor', 'metric', 'zones', 'at', 'k', 'format']);
      const corridor = q.get('corridor');
      if (corridor !== undefined) {
        if (q.get('area') !== undefined) throw new ApiError('bad_parameter', 'give area=ID or corridor=ID, not both', { parameter: 'corridor' });
        const metric = q.oneOf('metric', CORRIDOR_METRICS, 'flow'), at = q.time('at'), k = q.k(ctx.k);
        const format = q.oneOf('format', FORECAST_FORMATS, 'json');
        let f;
        try {
          f = await ctx.runner.run(async (conn) => {
            if (!(await hasTrafficTables(conn))) throw new ApiError('not_found', 'this database has no traffic_hops table');
            return buildCorridorForecast(conn, { corridor, metric, k, at });
          });
        } catch (err) {
          if (err instanceof CitypulseError && err.kind === 'usage') throw new ApiError('not_found', err.message);
          throw err;
        }
        const headers = { 'x-citypulse-k': String(k) };
        if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', body: areaForecastCsv(f, 'corridor'), maxAge: ctx.cacheSeconds, headers };
        return { ...jsonReply(areaForecastJson(f, 'corridor', { metric }), ctx.cacheSeconds), headers };
      }
      const id = q.get('area');
      if (id === undefined) throw new ApiError('bad_parameter', 'area=ID is required (or corridor=ID for a traffic corridor)', { parameter: 'area' });
      const zones = q.get('zones') ?? DEFAULT_AREA_ZONES, at = q.time('at'), k = q.k(ctx.k);
      const format = q.oneOf('format', FORECAST_FORMATS, 'json');
      let f;
      try {
        f = await ctx.runner.run(async (conn) => buildAreaForecast(conn, { area: await findForecastArea(conn, { zones }, id), k, at }));
      } catch (err) {
        if (err instanceof CitypulseError && err.kind === 'usage') throw new ApiError('not_found', err.message);
        throw err;
      }
      const headers = { 'x-citypulse-k': String(k) };
      if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', body: areaForecastCsv(f), maxAge: ctx.cacheSeconds, headers };
      return { ...jsonReply(areaForecastJson(f), ctx.cacheSeconds), headers };
    },
  };
}

import { parseAreas } from '../../alerts/areas/parse-areas.ts';
import { resolvePopulationConfig } from '../../population/engine/population-config.ts';
import { collectEventInput } from '../../population/duckdb/collect-event-input.ts';
import { readAreaVisitors } from '../../population/duckdb/read-area-visitors.ts';
import { visitorIncidents } from '../../population/engine/visitor-incidents.ts';
import { readPopulationInput, type PopulationSpace } from '../../population/duckdb/read-population-input.ts';
import { buildPopulation } from '../../population/export/build-population.ts';
import { buildEventReport } from '../../population/report/build-event-report.ts';
import { ApiError } from './api-error.ts';
import type { ApiContext, Route } from './api-route-types.ts';
import { QueryString } from './query-string.ts';
import { jsonReply } from './reply.ts';

function space(q: QueryString): PopulationSpace {
  const zones = q.get('zones');
  if ((zones === undefined) === (q.get('res') === undefined)) throw new ApiError('bad_parameter', 'give exactly one of zones=NAME or res=R', { parameter: 'zones' });
  return zones !== undefined ? { zones } : { res: q.int('res', 0, 8, 7) };
}

function config(q: QueryString) {
  try {
    return resolvePopulationConfig({ timeZone: q.get('time_zone') });
  } catch (err) {
    throw new ApiError('bad_parameter', (err as Error).message, { parameter: 'time_zone' });
  }
}

/**
 * Population routes (docs/population.md), k-safe with the server's k or a stricter one:
 *
 * - `GET /api/v1/population?zones=NAME|res=R[&from&to&k&time_zone&by=period|day]`: residents, workers,
 *   visitors, roamers, served per zone (zones with a label in [1, k) dropped whole); `by=day`: per
 *   local day (`days: [{ day, suppressed_zones, zones }]`), each day released on its own;
 * - `GET /api/v1/origins?…`: visitors per zone by origin (small origins pooled into `other`);
 * - `GET /api/v1/event-report?zones=NAME&zone=ID&from&to[&baseline&k&people_per_device]`: the event
 *   report (JSON) of one zone of a loaded system as the watched area;
 * - `GET /api/v1/areas/:id/visitors[?at&hours&level&origin&k]`: the live visitors of a watched area
 *   by origin in the window at `at` (default the latest), from `area_visitors` (ingest/stream with
 *   `--areas`), origins below k pooled into `other`; with `level`, the incidents of the alert rule
 *   "visitors from one origin ≥ level" over the `hours` (default 24) before.
 */
export function populationRoutes(ctx: ApiContext): Route[] {
  const notFound = (err: unknown): never => {
    if (err instanceof RangeError) throw new ApiError('not_found', err.message);
    throw err;
  };
  const population = async (req: { query: URLSearchParams }) => {
    const q = new QueryString(req.query, ['zones', 'res', 'from', 'to', 'k', 'time_zone', 'by']);
    const sp = space(q), k = q.k(ctx.k), cfg = config(q), from = q.time('from'), to = q.time('to');
    const by = q.get('by') ?? 'period';
    if (by !== 'period' && by !== 'day') throw new ApiError('bad_parameter', `by must be period or day, got ${by}`, { parameter: 'by' });
    const r = await ctx.runner.run(async (conn) => buildPopulation(await readPopulationInput(conn, sp, from, to, { seenByDay: by === 'day' }), { config: cfg, k, from, to, by })).catch(notFound);
    return { r, k };
  };
  const areaVisitors = async (req: { params: Record<string, string>; query: URLSearchParams }) => {
    const q = new QueryString(req.query, ['at', 'hours', 'level', 'origin', 'k']);
    const id = req.params.id!, k = q.k(ctx.k), at = q.time('at'), hours = q.int('hours', 1, 24 * 31, 24);
    const levelRaw = q.get('level');
    const level = levelRaw === undefined ? null : Number(levelRaw);
    if (level !== null && !(Number.isInteger(level) && level >= 1)) throw new ApiError('bad_parameter', `level must be an integer ≥ 1, got ${levelRaw}`, { parameter: 'level' });
    // The alert level is checked against released counts only: a level below k could never fire on a withheld count.
    const r = await ctx.runner.run(async (conn) => {
      const last = at ?? Number((await conn.runAndReadAll(
        "SELECT coalesce(max(epoch_ms(window_start)), -1) FROM area_visitors WHERE area_id = $a", { a: id }).catch(() => null))?.getRowsJS()[0]![0] ?? -1);
      return { last, series: await readAreaVisitors(conn, id, (last < 0 ? 0 : last) - hours * 3_600_000 + 1, (last < 0 ? 0 : last) + 1, k) };
    });
    if (r.series === null) throw new ApiError('not_found', 'no live visitor counts in this database: ingest or stream with --areas FILE');
    if (r.last < 0) throw new ApiError('not_found', `no visitor counts for area ${id}`);
    const cur = r.series.windows.find((w) => w.windowStart <= r.last && r.last < w.windowEnd) ?? null;
    const origins = cur ? Object.entries(cur.origins).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([origin, visitors]) => ({ origin, visitors })) : [];
    return {
      area: id, k,
      window_start: cur ? new Date(cur.windowStart).toISOString() : null,
      window_end: cur ? new Date(cur.windowEnd).toISOString() : null,
      withheld: cur === null,
      visitors: cur ? origins.reduce((s, o) => s + o.visitors, 0) : null,
      origins,
      ...(level === null ? {} : {
        rule: { level, origin: q.get('origin') ?? null, clear_ratio: 0.8 },
        incidents: visitorIncidents(r.series.windows, { level, origin: q.get('origin') }).map((i) => ({
          origin: i.origin, opened_at: new Date(i.openedAt).toISOString(), closed_at: i.closedAt === null ? null : new Date(i.closedAt).toISOString(),
          peak: i.peak, peak_at: new Date(i.peakAt).toISOString(), state: i.closedAt === null ? 'open' : 'closed',
        })),
      }),
    };
  };
  return [
    {
      path: '/api/v1/areas/:id/visitors',
      handler: async (req) => jsonReply(await areaVisitors(req), ctx.cacheSeconds),
    },
    {
      path: '/api/v1/population',
      handler: async (req) => {
        const { r, k } = await population(req);
        if (r.days) return jsonReply({ k, days: r.days.map((d) => ({ day: d.day, suppressed_zones: d.suppressedZones.length, zones: d.released })) }, ctx.cacheSeconds);
        return jsonReply({ k, suppressed_zones: r.suppressedZones.length, zones: r.released }, ctx.cacheSeconds);
      },
    },
    {
      path: '/api/v1/origins',
      handler: async (req) => {
        const { r, k } = await population(req);
        if (r.days) return jsonReply({ k, days: r.days.map((d) => ({ day: d.day, suppressed_zones: d.suppressedOriginZones.length, origins: d.releasedOrigins })) }, ctx.cacheSeconds);
        return jsonReply({ k, suppressed_zones: r.suppressedOriginZones.length, origins: r.releasedOrigins }, ctx.cacheSeconds);
      },
    },
    {
      path: '/api/v1/event-report',
      handler: async (req) => {
        const q = new QueryString(req.query, ['zones', 'zone', 'from', 'to', 'baseline', 'k', 'people_per_device', 'time_zone']);
        const system = q.get('zones'), zone = q.get('zone');
        if (system === undefined) throw new ApiError('bad_parameter', 'zones=NAME is required', { parameter: 'zones' });
        if (zone === undefined) throw new ApiError('bad_parameter', 'zone=ID is required', { parameter: 'zone' });
        const from = q.time('from'), to = q.time('to');
        if (from === undefined || to === undefined || !(to > from)) throw new ApiError('bad_parameter', 'from and to are required, to after from', { parameter: 'to' });
        const ppdRaw = q.get('people_per_device');
        const ppd = ppdRaw === undefined ? 1 : Number(ppdRaw);
        if (!(ppd > 0 && Number.isFinite(ppd))) throw new ApiError('bad_parameter', `people_per_device must be a positive number, got ${ppdRaw}`, { parameter: 'people_per_device' });
        const k = q.k(ctx.k), cfg = config(q), baselineFrom = q.time('baseline');
        const data = await ctx.runner.run(async (conn) => {
          const g = (await conn.runAndReadAll('SELECT zone_name, geometry_geojson FROM zones WHERE zone_system = $s AND zone_id = $z', { s: system, z: zone })).getRowsJS();
          if (g.length === 0) throw new RangeError(`no zone ${zone} in zone system ${system}`);
          const res = (await conn.runAndReadAll('SELECT coalesce(max(res), 9) FROM presence')).getRowsJS()[0]![0];
          const [area] = parseAreas({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: JSON.parse(String(g[0]![1])), properties: { id: zone, name: String(g[0]![0]), capacity: 1 } }] }, { resolution: Number(res) });
          const input = await collectEventInput(conn, { area: area!, from, to, baselineFrom, space: { zones: system }, config: cfg, k, peoplePerDevice: ppd });
          return buildEventReport({ ...input, area: { ...input.area, capacity: null } });
        }).catch(notFound);
        return jsonReply(data, ctx.cacheSeconds);
      },
    },
  ];
}

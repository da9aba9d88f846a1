import type { QueryInfo } from '../../sql/index.ts';

/** What the OpenAPI document describes besides the fixed routes. */
export interface OpenApiOptions {
  /** The server's k-anonymity threshold. */
  k: number;
  /** The named queries the server runs (one path each). */
  queries: readonly QueryInfo[];
  /** Rows a query or window list sends at most. */
  maxRows: number;
  /** Hexagons a heatmap sends at most. */
  maxFeatures: number;
  version: string;
}

type Schema = Record<string, unknown>;
import { withAccessControl } from './openapi-access.ts';

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const param = (name: string, description: string, schema: Schema, required = false): Schema => ({ name, in: 'query', required, description, schema });
const jsonContent = (schema: Schema, type = 'application/json'): Schema => ({ content: { [type]: { schema } } });
const errors = (...codes: number[]): Record<string, Schema> =>
  Object.fromEntries(codes.map((c) => [String(c), { $ref: `#/components/responses/E${c}` }]));

/**
 * The OpenAPI 3.1 document of the citypulse HTTP API (served at `/api/v1/openapi.json`). The named
 * queries of `sql/` each get a path with their declared parameters and result columns.
 */
export function openApiDocument(o: OpenApiOptions): Schema {
  const time = (what: string): Schema => ({ type: 'string', description: `${what}: RFC 3339 (2026-03-02T08:00:00Z) or epoch milliseconds` });
  const kParam = param('k', `k-anonymity threshold: counts below it are left out. At least the server's k (${o.k}), which is the default`, { type: 'integer', minimum: o.k, default: o.k });
  const byParam = param('by', 'period (default): one count over the period; day: one per local day, home and work from the whole period', { type: 'string', enum: ['period', 'day'], default: 'period' });
  const resParam = param('res', 'H3 resolution, 0 up to the base resolution of the stored presence (usually 9); a coarser hexagon sums its children', { type: 'integer', minimum: 0, maximum: 15, default: 8 });
  const paths: Record<string, Schema> = {
    '/healthz': {
      get: {
        summary: 'Liveness and readiness: the database answers',
        operationId: 'health',
        responses: { '200': { description: 'Healthy', ...jsonContent(ref('Health')) }, ...errors(503) },
      },
    },
    '/readyz': {
      get: {
        summary: 'Readiness: under `stream --http`, partitions assigned, restored and caught up; under `serve`, always',
        operationId: 'ready',
        responses: {
          '200': { description: 'Ready', ...jsonContent({ type: 'object', properties: { status: { const: 'ready' }, reason: { type: 'string' } }, required: ['status', 'reason'] }) },
          '503': { description: 'Not ready, with the reason (joining the group, restoring, catching up)', ...jsonContent({ type: 'object', properties: { status: { const: 'not_ready' }, reason: { type: 'string' } }, required: ['status', 'reason'] }) },
        },
      },
    },
    '/metrics': {
      get: {
        summary: 'Prometheus metrics (text exposition format 0.0.4), every series prefixed citypulse_ (docs/http-api.md#metrics)',
        operationId: 'metrics',
        responses: { '200': { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } } },
      },
    },
    '/api/v1/live': {
      get: {
        summary: 'Live updates as server-sent events: hello on connect, then window (published windows) and alert (opened, escalated, resolved) events under `stream --http`; `: ping` every 15 s',
        operationId: 'live',
        responses: { '200': { description: 'An event stream (docs/http-api.md#get-apiv1live-server-sent-events)', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors(400, 503) },
      },
    },
    '/api/v1/openapi.json': {
      get: { summary: 'This document', operationId: 'openapi', responses: { '200': { description: 'OpenAPI 3.1', ...jsonContent({ type: 'object' }) } } },
    },
    '/api/v1/windows': {
      get: {
        summary: 'Closed windows available, with the devices shown at a resolution (k-suppressed hexagons excluded)',
        operationId: 'listWindows',
        parameters: [resParam, kParam, param('from', 'first window start included', time('from')), param('to', 'windows starting before this', time('to'))],
        responses: { '200': { description: `Windows, oldest first (at most ${o.maxRows}: the latest ones)`, ...jsonContent(ref('WindowList')) }, ...errors(400, 500) },
      },
    },
    '/api/v1/heatmap': {
      get: {
        summary: 'The k-anonymised population heatmap of one window',
        operationId: 'heatmap',
        parameters: [
          resParam,
          param('window', 'the window: `latest` (default), or any instant inside it', { type: 'string', default: 'latest', examples: ['latest', '2026-03-02T19:30:00Z'] }),
          param('format', 'geojson (default) or csv', { type: 'string', enum: ['geojson', 'csv'], default: 'geojson' }),
          kParam,
        ],
        responses: {
          '200': {
            description: `Hexagons with at least k devices present (at most ${o.maxFeatures}). Headers X-Citypulse-K and X-Citypulse-Suppressed give k and the hexagons left out.`,
            content: {
              'application/geo+json': { schema: ref('Heatmap') },
              'text/csv': { schema: { type: 'string', description: 'header window_start,window_end,h3,hex_id,res,lat,lng,present (hex_id for Kepler.gl)' } },
            },
          },
          ...errors(400, 404, 413, 500),
        },
      },
    },
    '/api/v1/zones': {
      get: { summary: 'Zone systems loaded (citypulse zones load)', operationId: 'listZoneSystems', responses: { '200': { description: 'Zone systems', ...jsonContent(ref('ZoneSystemList')) }, ...errors(500) } },
    },
    '/api/v1/zones/{system}': {
      get: {
        summary: 'Outlines of a zone system (GeoJSON, coordinates rounded to 1e-5°)',
        operationId: 'zoneOutlines',
        parameters: [{ name: 'system', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'FeatureCollection with properties zone_id, zone_name, area_km2', ...jsonContent({ type: 'object' }, 'application/geo+json') }, ...errors(404, 500) },
      },
    },
    '/api/v1/zones/{system}/totals': {
      get: {
        summary: 'People present per zone over a time range (named query zone_totals), k-anonymised',
        operationId: 'zoneTotals',
        parameters: [
          { name: 'system', in: 'path', required: true, schema: { type: 'string' } },
          param('from', 'first window start included (default: all)', time('from')),
          param('to', 'windows starting before this (default: all)', time('to')),
          kParam,
        ],
        responses: { '200': { description: 'One row per zone (NULL figures where no window reached k)', ...jsonContent(ref('QueryAnswer')) }, ...errors(400, 404, 500) },
      },
    },
    '/api/v1/queries': {
      get: { summary: 'The named queries of sql/ the server runs, with their parameters', operationId: 'listQueries', responses: { '200': { description: 'Queries', ...jsonContent(ref('QueryList')) } } },
    },
    '/api/v1/queries/{name}': {
      get: {
        summary: 'Run a named query of sql/ by name (only those; never arbitrary SQL). Query-string parameters are its declared parameters',
        operationId: 'runQuery',
        parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', enum: o.queries.map((q) => q.name) } }],
        responses: { '200': { description: `Rows (at most ${o.maxRows})`, ...jsonContent(ref('QueryAnswer')) }, ...errors(400, 404, 500, 503) },
      },
    },
    '/api/v1/alerts': {
      get: {
        summary: 'Crowd-alert events (table alerts), the latest window first; empty when alerting never ran',
        operationId: 'listAlerts',
        parameters: [
          param('since', 'events whose window starts at or after this', time('since')),
          param('limit', 'at most this many', { type: 'integer', minimum: 1, maximum: 1000, default: 100 }),
          kParam,
        ],
        responses: { '200': { description: 'Alert events (schemas/alert.schema.json); counts of events below k are null and below_k is true', ...jsonContent(ref('AlertList')) }, ...errors(400, 500) },
      },
    },
    '/api/v1/areas': {
      get: {
        summary: 'Watched areas (citypulse serve --areas) as the outline of their H3 cells, with capacity, alert levels in people and occupancy in a window, from the release',
        operationId: 'listAreas',
        parameters: [param('window', 'latest (default) or an instant inside the wanted window', { type: 'string', default: 'latest' }), kParam],
        responses: { '200': { description: 'FeatureCollection; devices/people/occupancy are null when no release element of at least k people lies in the area', content: { 'application/geo+json': { schema: { type: 'object' } } } }, ...errors(400, 404, 500) },
      },
    },
    '/api/v1/zones/{system}/{zone}/series': {
      get: {
        summary: 'People present in one zone window by window (named query zone_timeseries), k-anonymised',
        operationId: 'zoneSeries',
        parameters: [
          { name: 'system', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'zone', in: 'path', required: true, description: 'zone id or name', schema: { type: 'string' } },
          param('from', 'first window start included (default: all)', time('from')),
          param('to', 'windows starting before this (default: all)', time('to')),
          kParam,
        ],
        responses: { '200': { description: 'One row per window (present NULL below k)', ...jsonContent(ref('QueryAnswer')) }, ...errors(400, 404, 500) },
      },
    },
    '/api/v1/od': {
      get: {
        summary: 'Origin–destination flows between zones or H3 cells (trajectory layer), released differencing-safe with k',
        operationId: 'od',
        parameters: [
          param('zones', 'a loaded zone system (give zones or res)', { type: 'string' }),
          param('res', 'H3 resolution of the ends, 0–8 (give zones or res)', { type: 'integer', minimum: 0, maximum: 8 }),
          param('by', 'time aggregation: hour, day or total (default)', { type: 'string', enum: ['hour', 'day', 'total'], default: 'total' }),
          param('variant', 'consecutive trips (default) or all ordered pairs of stays within a day', { type: 'string', enum: ['consecutive', 'all-pairs'], default: 'consecutive' }),
          param('from', 'first departure included', time('from')),
          param('to', 'departures before this', time('to')),
          param('format', 'geojson (default) or csv', { type: 'string', enum: ['geojson', 'csv'], default: 'geojson' }),
          kParam,
        ],
        responses: {
          '200': {
            description: `Flows with at least k trips (at most ${o.maxFeatures}); a day or total is the sum of its released hours (days) plus the remainder only when ≥ k. Header X-Citypulse-Withheld-Trips counts what was not released.`,
            content: {
              'application/geo+json': { schema: { type: 'object', description: 'FeatureCollection of LineString flows (Point within one zone) with properties origin, destination, departure_hour|departure_day, trips, trips_expanded' } },
              'text/csv': { schema: { type: 'string', description: 'header origin,destination[,departure_hour|departure_day],trips,trips_expanded,origin_lat,origin_lng,destination_lat,destination_lng' } },
            },
          },
          ...errors(400, 404, 413, 500),
        },
      },
    },
    '/api/v1/forecast': {
      get: {
        summary: "One-hour forecast of a watched area's occupancy in 5-minute steps (docs/forecast.md): model and baselines, from released counts only",
        operationId: 'forecast',
        parameters: [
          param('area', 'the area: a zone id of the zone system `zones` (or give corridor)', { type: 'string' }),
          param('corridor', 'or: a learned traffic corridor id (as in /api/v1/traffic)', { type: 'string' }),
          param('metric', 'with corridor: flow (released, default) or speed (km/h)', { type: 'string', enum: ['flow', 'speed'], default: 'flow' }),
          param('zones', 'the zone system holding the watched areas (default areas)', { type: 'string', default: 'areas' }),
          param('at', 'forecast as of this time (default: after the last released window)', time('at')),
          param('format', 'json (default) or csv', { type: 'string', enum: ['json', 'csv'], default: 'json' }),
          kParam,
        ],
        responses: {
          '200': {
            description: 'Twelve slots ahead: forecast (the model), and seasonal_naive, historical_average, scaled_historical_average, ridge; values below k are null',
            content: {
              'application/json': { schema: { type: 'object', description: 'area, k, step_minutes, made_at, last_observed, rows[{slot_start, horizon_min, forecast, model, …forecasters}]' } },
              'text/csv': { schema: { type: 'string', description: 'header area,made_at,slot_start,horizon_min,forecast,model,seasonal_naive,historical_average,scaled_historical_average,ridge' } },
            },
          },
          ...errors(400, 404, 500),
        },
      },
    },
    '/api/v1/traffic': {
      get: {
        summary: 'Flow, speed, travel time and congestion per learned corridor and 5- or 15-minute bin (docs/traffic.md), flows released differencing-safe with k',
        operationId: 'traffic',
        parameters: [
          param('bin', '5m (default) or 15m', { type: 'string', enum: ['5m', '15m'], default: '5m' }),
          param('from', 'first bin included', time('from')),
          param('to', 'bins starting before this', time('to')),
          param('format', 'geojson (default) or csv', { type: 'string', enum: ['geojson', 'csv'], default: 'geojson' }),
          kParam,
        ],
        responses: {
          '200': {
            description: `Corridor-bins whose released flow is ≥ k (at most ${o.maxFeatures}); header X-Citypulse-Withheld-Bins counts the others.`,
            content: {
              'application/geo+json': { schema: { type: 'object', description: 'FeatureCollection of corridor LineStrings with properties corridor, bin_start, bin_minutes, flow, flow_expanded, speed_kmh, travel_time_s, free_flow_kmh, congestion' } },
              'text/csv': { schema: { type: 'string', description: 'header corridor,bin_start,bin_minutes,flow,flow_expanded,speed_kmh,travel_time_s,free_flow_kmh,congestion' } },
            },
          },
          ...errors(400, 404, 413, 500),
        },
      },
    },
    '/api/v1/population': {
      get: {
        summary: 'Residents, workers, visitors, roamers, people in transit and served population per zone or H3 cell (docs/population.md), k-safe',
        operationId: 'population',
        parameters: [
          param('zones', 'a loaded zone system (give zones or res)', { type: 'string' }),
          param('res', 'H3 resolution, 0–8 (give zones or res)', { type: 'integer', minimum: 0, maximum: 8 }),
          param('from', 'start of the period', time('from')),
          param('to', 'end of the period', time('to')),
          param('time_zone', 'IANA time zone of nights and working hours (default UTC)', { type: 'string', default: 'UTC' }),
          byParam,
          kParam,
        ],
        responses: {
          '200': { description: 'Zones whose every label is 0 or ≥ k (others dropped whole, counted in suppressed_zones); with by=day, days: [{ day, suppressed_zones, zones }]', content: { 'application/json': { schema: { type: 'object' } } } },
          ...errors(400, 404, 500),
        },
      },
    },
    '/api/v1/origins': {
      get: {
        summary: 'Visitors per zone by origin (home zone, roamer country, unknown), k-safe (small origins pooled into other)',
        operationId: 'origins',
        parameters: [
          param('zones', 'a loaded zone system (give zones or res)', { type: 'string' }),
          param('res', 'H3 resolution, 0–8 (give zones or res)', { type: 'integer', minimum: 0, maximum: 8 }),
          param('from', 'start of the period', time('from')),
          param('to', 'end of the period', time('to')),
          param('time_zone', 'IANA time zone of nights and working hours (default UTC)', { type: 'string', default: 'UTC' }),
          byParam,
          kParam,
        ],
        responses: { '200': { description: 'Rows zone, origin, visitors; with by=day, days: [{ day, suppressed_zones, origins }]', content: { 'application/json': { schema: { type: 'object' } } } }, ...errors(400, 404, 500) },
      },
    },
    '/api/v1/areas/{id}/visitors': {
      get: {
        summary: 'Live visitors of a watched area by origin (home zone, roamer country, unknown), k-safe; with level, the incidents of the alert rule "visitors from one origin ≥ level"',
        operationId: 'areaVisitors',
        parameters: [
          { name: 'id', in: 'path', required: true, description: 'the watched area id (the --areas file of ingest/stream)', schema: { type: 'string' } },
          param('at', 'a time inside the window to show (default the latest window)', time('at')),
          param('hours', 'hours of windows before it for the incidents (default 24)', { type: 'integer', minimum: 1, maximum: 744, default: 24 }),
          param('level', 'alert level: visitors from one origin that open an incident (closes below 0.8 × level)', { type: 'integer', minimum: 1 }),
          param('origin', 'only this origin for the incidents', { type: 'string' }),
          kParam,
        ],
        responses: { '200': { description: 'area, window, visitors, origins (below k pooled into other; withheld when that pool is in [1, k)), incidents', content: { 'application/json': { schema: { type: 'object' } } } }, ...errors(400, 404, 500) },
      },
    },
    '/api/v1/event-report': {
      get: {
        summary: 'Major-event report of one zone: attendance, peak occupancy, arrivals/departures, dwell, origins, baseline day',
        operationId: 'eventReport',
        parameters: [
          param('zones', 'a loaded zone system', { type: 'string' }, true),
          param('zone', 'the zone id (the watched area)', { type: 'string' }, true),
          param('from', 'start of the event span', time('from'), true),
          param('to', 'end of the event span', time('to'), true),
          param('baseline', 'start of the baseline span (default: 7 days before, else 1 day before/after)', time('baseline')),
          param('people_per_device', 'expansion (default 1)', { type: 'number', exclusiveMinimum: 0, default: 1 }),
          param('time_zone', 'IANA time zone (default UTC)', { type: 'string', default: 'UTC' }),
          kParam,
        ],
        responses: { '200': { description: 'The event report (counts in [1, k) are null)', content: { 'application/json': { schema: { type: 'object' } } } }, ...errors(400, 404, 500) },
      },
    },
    '/': {
      get: { summary: 'The dashboard: one self-contained HTML page (no external resources)', operationId: 'dashboard', responses: { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } } },
    },
  };
  for (const q of o.queries) {
    paths[`/api/v1/queries/${q.name}`] = {
      get: {
        summary: q.purpose,
        operationId: `query_${q.name}`,
        parameters: q.params.map((p) =>
          param(
            p.name,
            [p.doc ?? '', `DuckDB type ${p.type}`, p.name === 'k' ? `default and minimum: the server's k (${o.k})` : p.default === undefined ? 'required' : `default ${p.default}`].filter(Boolean).join('; '),
            p.name === 'k' ? { type: 'integer', minimum: o.k, default: o.k } : paramSchema(p.type, p.default),
            p.default === undefined,
          ),
        ),
        responses: {
          '200': {
            description: `Columns: ${q.returns}`,
            ...jsonContent({ allOf: [ref('QueryAnswer'), { type: 'object', properties: { rows: { type: 'array', items: { type: 'object', properties: columnSchemas(q.returns) } } } }] }),
          },
          ...errors(400, 500, 503),
        },
      },
    };
  }
  return withAccessControl({
    openapi: '3.1.0',
    info: {
      title: 'citypulse HTTP API',
      version: o.version,
      summary: 'Population heatmaps on the H3 grid, zone totals, named analyst queries and crowd alerts from mobile-network data, k-anonymised',
      description:
        `Read-only. Every count of people that leaves the server is at least k = ${o.k} (k-anonymity); clients may ask for a larger k, never a smaller one. ` +
        'Errors are JSON {error, detail[, parameter]}. 64-bit integers: JSON numbers when every value of the column is a safe integer, else strings of their exact digits (H3 cells as UBIGINT are strings; h3 hex strings are given too). ' +
        'Unknown or repeated query parameters are errors (400) naming the parameter.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: SCHEMAS,
      responses: {
        E400: { description: 'A bad parameter, named in `parameter`', ...jsonContent(ref('Error')) },
        E404: { description: 'Unknown route, query, zone system or window', ...jsonContent(ref('Error')) },
        E413: { description: 'The response would be too large: ask for a coarser resolution or a shorter range', ...jsonContent(ref('Error')) },
        E500: { description: 'Server error (no details; see the server log)', ...jsonContent(ref('Error')) },
        E503: { description: 'Busy, or the query ran past the time limit', ...jsonContent(ref('Error')) },
      },
    },
  });
}

const SCHEMAS: Record<string, Schema> = {
  Error: {
    type: 'object',
    required: ['error', 'detail'],
    properties: {
      error: { type: 'string', enum: ['bad_parameter', 'not_found', 'method_not_allowed', 'response_too_large', 'query_timeout', 'unavailable', 'internal'] },
      detail: { type: 'string' },
      parameter: { type: 'string', description: 'the parameter at fault (400)' },
    },
  },
  Health: {
    type: 'object',
    properties: { status: { const: 'ok' }, db: { type: 'string' }, k: { type: 'integer' }, windows: { type: 'integer' }, latest_window_end: { type: ['string', 'null'], format: 'date-time' }, uptime_s: { type: 'number' } },
  },
  Window: {
    type: 'object',
    properties: {
      start: { type: 'string', format: 'date-time' },
      end: { type: 'string', format: 'date-time' },
      devices: { type: 'integer', description: 'devices present, summed over the hexagons at res with at least k; hexagons below k are excluded' },
      hexagons: { type: 'integer', description: 'hexagons at res with at least k devices' },
      suppressed_hexagons: { type: 'integer', description: 'hexagons with 1 to k−1 devices, excluded' },
      max_present: { type: 'integer', description: 'the largest shown hexagon' },
    },
  },
  WindowList: {
    type: 'object',
    properties: {
      res: { type: 'integer' },
      base_res: { type: ['integer', 'null'] },
      k: { type: 'integer' },
      note: { type: 'string' },
      bbox: { type: ['array', 'null'], items: { type: 'number' }, description: '[west, south, east, north] of the hexagons that reach k in some window' },
      count: { type: 'integer' },
      truncated: { type: 'boolean' },
      windows: { type: 'array', items: { $ref: '#/components/schemas/Window' } },
    },
  },
  Heatmap: {
    type: 'object',
    description: 'GeoJSON FeatureCollection: one hexagon polygon per cell',
    properties: {
      type: { const: 'FeatureCollection' },
      window_start: { type: 'string', format: 'date-time' },
      window_end: { type: 'string', format: 'date-time' },
      res: { type: 'integer' },
      k: { type: 'integer' },
      suppressed_hexagons: { type: 'integer' },
      features: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            type: { const: 'Feature' },
            geometry: { type: 'object' },
            properties: {
              type: 'object',
              properties: { h3: { type: 'string' }, res: { type: 'integer' }, window_start: { type: 'string', format: 'date-time' }, window_end: { type: 'string', format: 'date-time' }, present: { type: 'integer' } },
            },
          },
        },
      },
    },
  },
  ZoneSystemList: {
    type: 'object',
    properties: {
      zone_systems: {
        type: 'array',
        items: { type: 'object', properties: { name: { type: 'string' }, zones: { type: 'integer' }, area_km2: { type: 'number' }, attribution: { type: 'string', description: 'to show with the zones (data licence)' } } },
      },
    },
  },
  QueryList: {
    type: 'object',
    properties: {
      queries: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            purpose: { type: 'string' },
            returns: { type: 'string' },
            params: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, type: { type: 'string' }, default: { type: 'string' }, doc: { type: 'string' } } } },
          },
        },
      },
    },
  },
  QueryAnswer: {
    type: 'object',
    properties: {
      query: { type: 'string' },
      params: { type: 'object', description: 'the parameters given (k always shown for queries that take it)' },
      k: { type: ['integer', 'null'] },
      columns: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, type: { type: 'string' } } } },
      rows: { type: 'array', items: { type: 'object' } },
      row_count: { type: 'integer' },
      truncated: { type: 'boolean' },
      attribution: { type: 'string' },
    },
  },
  AlertList: {
    type: 'object',
    properties: {
      k: { type: 'integer' },
      count: { type: 'integer' },
      truncated: { type: 'boolean' },
      alerts: { type: 'array', items: { type: 'object', description: 'an alert event (schemas/alert.schema.json) plus below_k' } },
    },
  },
};

/** JSON Schema of a query parameter given as text in the query string. */
function paramSchema(type: string, literal: string | undefined): Schema {
  const base = columnSchema(type);
  const schema: Schema = /TIMESTAMP|DATE/.test(type) ? { type: 'string', description: 'RFC 3339 or epoch milliseconds' } : base;
  if (literal !== undefined && literal.toUpperCase() !== 'NULL') schema.default = literal.startsWith("'") ? literal.slice(1, -1).replaceAll("''", "'") : base.type === 'integer' || base.type === 'number' ? Number(literal) : literal;
  return schema;
}

/** JSON Schema of a result column by its DuckDB type (as the API encodes it). */
function columnSchema(type: string): Schema {
  const t = type.trim().toUpperCase();
  if (t.endsWith('[]')) return { type: ['array', 'null'], items: columnSchema(t.slice(0, -2)) };
  if (/^(U?BIGINT|U?HUGEINT)$/.test(t)) return { type: ['integer', 'string', 'null'], description: 'exact: a string when the column holds integers beyond 2^53' };
  if (/^U?(TINYINT|SMALLINT|INTEGER)$/.test(t)) return { type: ['integer', 'null'] };
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL)/.test(t)) return { type: ['number', 'null'] };
  if (t === 'BOOLEAN') return { type: ['boolean', 'null'] };
  if (/^TIMESTAMP/.test(t)) return { type: ['string', 'null'], format: 'date-time' };
  if (t === 'DATE') return { type: ['string', 'null'], format: 'date' };
  return { type: ['string', 'null'] };
}

/** `a INTEGER, b DECIMAL(10, 2), c VARCHAR[]` → property schemas. */
function columnSchemas(returns: string): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  let depth = 0;
  let start = 0;
  const parts: string[] = [];
  for (let i = 0; i <= returns.length; i++) {
    const c = returns[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if ((c === ',' && depth === 0) || c === undefined) {
      parts.push(returns.slice(start, i).trim());
      start = i + 1;
    }
  }
  for (const part of parts) {
    const m = /^(\w+)\s+(.+)$/.exec(part);
    if (m) out[m[1]!] = columnSchema(m[2]!);
  }
  return out;
}

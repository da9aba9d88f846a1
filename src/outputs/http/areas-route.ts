import { cellsToMultiPolygon } from 'h3-js';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_LEVELS, mergeThresholds } from '../../alerts/engine/level-thresholds.ts';
import type { WatchedArea } from '../../alerts/engine/watched-area.ts';
import { valueCodec } from '../duckdb/value-codec.ts';
import { ApiError } from './api-error.ts';
import type { ApiContext, Route } from './api-route-types.ts';
import { QueryString } from './query-string.ts';
import { jsonReply } from './reply.ts';

/** One area's occupancy in a window, from the release. */
interface AreaOccupancy {
  devices: number | null;
  people: number | null;
  occupancy: number | null;
}

/**
 * Devices present in each area in the window starting at `windowStart`: the sum of the release
 * elements (each ≥ k people) anchored in one of the area's cells — the rule of `sql/area_timeseries.sql`
 * — so no count below k and no difference of two releases shows fewer. Null where no element fits.
 */
async function areaDevices(conn: DuckDBConnection, areas: readonly WatchedArea[], windowStart: number, k: number): Promise<(number | null)[]> {
  const out: (number | null)[] = [];
  for (const area of areas) {
    // Cells are validated H3 indexes: integer literals are safe to inline.
    const cells = area.cells.map((c) => valueCodec.h3ToUbigint(c).toString()).join(', ');
    const r = await conn.runAndReadAll(
      `SELECT sum(present)::BIGINT FROM release_elements
       WHERE window_start = $1 AND present >= $2 AND anchor_res >= $3 AND h3_cell_to_parent(anchor, $3) IN (${cells})`,
      [valueCodec.timestampTZ(windowStart), k, area.resolution],
    );
    const v = r.getRowsJS()[0]![0] as bigint | null;
    out.push(v === null || Number(v) < k ? null : Number(v));
  }
  return out;
}

/**
 * `GET /api/v1/areas?window=latest|ISO[&k=]`: the watched areas the server was started with
 * (`citypulse serve --areas FILE`) as GeoJSON — each the outline of the H3 cells it counts, with
 * `id`, `name`, `capacity`, the people at each alert level (`levels`, capacity × the level
 * fractions), and its occupancy in the window: `devices` (released, ≥ k, else null), `people`
 * (devices × the area's `scale`, default 1) and `occupancy` (people ÷ capacity). Without areas the
 * collection is empty.
 */
export function areasRoute(ctx: ApiContext, areas: readonly WatchedArea[]): Route {
  const outlines = areas.map((a) => ({
    type: 'MultiPolygon' as const,
    coordinates: cellsToMultiPolygon([...a.cells], true).map((poly) => poly.map((ring) => ring.map(([lon, lat]) => [Math.round(lon! * 1e5) / 1e5, Math.round(lat! * 1e5) / 1e5]))),
  }));
  return {
    path: '/api/v1/areas',
    handler: async (req) => {
      const q = new QueryString(req.query, ['window', 'k']);
      const k = q.k(ctx.k);
      const at = q.get('window') === undefined || q.get('window') === 'latest' ? 'latest' : q.time('window')!;
      const { window, devices } = await ctx.runner.run(async (conn) => {
        const w = (
          await conn.runAndReadAll(
            at === 'latest'
              ? 'SELECT epoch_ms(window_start), epoch_ms(window_end) FROM release_elements ORDER BY window_start DESC LIMIT 1'
              : 'SELECT epoch_ms(window_start), epoch_ms(window_end) FROM release_elements WHERE window_start <= $1 AND $1 < window_end LIMIT 1',
            at === 'latest' ? [] : [valueCodec.timestampTZ(at)],
          )
        ).getRowsJS()[0] as [bigint, bigint] | undefined;
        if (!w) return { window: null, devices: areas.map(() => null) };
        return { window: [Number(w[0]), Number(w[1])] as const, devices: await areaDevices(conn, areas, Number(w[0]), k) };
      });
      if (!window && at !== 'latest') throw new ApiError('not_found', `no closed window contains ${new Date(at).toISOString()} (see /api/v1/windows)`);
      return jsonReply(
        {
          type: 'FeatureCollection',
          k,
          window_start: window ? new Date(window[0]).toISOString() : null,
          window_end: window ? new Date(window[1]).toISOString() : null,
          note: `devices: the release elements (each of at least k = ${k} people) lying in the area's cells; null when none does`,
          features: areas.map((a, i) => {
            const levels = mergeThresholds(DEFAULT_LEVELS, a.levels, `area ${a.id}`);
            const scale = a.scale ?? 1;
            const d = devices[i]!;
            const occ: AreaOccupancy = { devices: d, people: d === null ? null : Math.round(d * scale), occupancy: d === null ? null : Math.round((d * scale * 1000) / a.capacity) / 1000 };
            return {
              type: 'Feature',
              id: a.id,
              properties: {
                id: a.id,
                name: a.name,
                capacity: a.capacity,
                levels: { notice: Math.round(levels.notice * a.capacity), warning: Math.round(levels.warning * a.capacity), critical: Math.round(levels.critical * a.capacity) },
                area_km2: Math.round(a.areaKm2 * 1000) / 1000,
                cells: a.cells.length,
                ...occ,
              },
              geometry: outlines[i],
            };
          }),
        },
        ctx.cacheSeconds,
        'application/geo+json',
      );
    },
  };
}

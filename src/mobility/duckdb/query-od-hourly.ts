import type { DuckDBConnection } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { readZoneLocator } from '../../outputs/duckdb/read-zone-locator.ts';
import type { OdCell, OdVariant } from '../engine/od-cell.ts';

/** Where OD ends are counted: a loaded zone system, or an H3 resolution (≤ the stay resolution). */
export type OdSpace = { zones: string } | { res: number };

/** Options of {@link queryOdHourly}. */
export interface OdQuery {
  space: OdSpace;
  variant: OdVariant;
  /** Departures at or after (epoch ms). Default: all. */
  from?: number;
  /** Departures before (epoch ms). Default: all. */
  to?: number;
  /**
   * How a stay centre finds its zone: `polygon` (default) — the zone polygon that contains it, exact;
   * `cells` — the zone of its res-9 `zone_cells` hexagon, which blurs borders by ~100–200 m (kept
   * for comparison in `npm run accuracy`).
   */
  zoneLookup?: 'polygon' | 'cells';
  /**
   * Where a consecutive trip ends: `stay` (default) — at its destination stay's recorded place once
   * that stay has ended (placed with the whole stay's evidence; src/mobility/engine/device-track.ts),
   * else as the trip was emitted; `trip` — always as emitted, when the stay was confirmed (the place
   * the streaming `od_h3_hourly` counted).
   */
  destinationPlace?: 'stay' | 'trip';
}

/** What {@link queryOdHourly} found. */
export interface OdHourlyResult {
  cells: OdCell[];
  /** Trips (or pairs) with an end outside every zone of the system, left out. */
  outside: number;
}

/**
 * True OD counts per (origin, destination, departure hour) from `trips` (consecutive) or from the
 * ordered pairs of each device's stays within a UTC day (all-pairs; departure = the end of the
 * earlier stay). A trip ends at its destination stay's recorded place ({@link OdQuery.destinationPlace}).
 * An end is mapped to the zone whose polygon holds the stay centre (see {@link OdQuery.zoneLookup}), or to the H3 parent at `res`. Pairs within one zone or cell are kept (intra-zonal flows). Not released:
 * pass the cells to {@link releaseOd} before they leave the system.
 */
export async function queryOdHourly(conn: DuckDBConnection, q: OdQuery): Promise<OdHourlyResult> {
  const need = q.variant === 'consecutive' ? 'trips' : 'stays';
  const has = await conn.runAndReadAll('SELECT count(*) FROM duckdb_tables() WHERE table_name = $t', { t: need });
  if (Number(has.getRowsJS()[0]![0]) === 0) {
    throw new RangeError(`the database has no ${need} table: ingest or stream with the trajectory layer first (docs/mobility.md)`);
  }
  const stays = Number((await conn.runAndReadAll('SELECT count(*) FROM duckdb_tables() WHERE table_name = \'stays\'')).getRowsJS()[0]![0]) > 0;
  const params: Record<string, string | number> = { from: q.from ?? -8.64e15, to: q.to ?? 8.64e15 };
  const pairs = q.variant === 'consecutive'
    ? q.destinationPlace === 'trip' || !stays
      ? `SELECT epoch_ms(depart_ts) AS dep, origin, destination, origin_lat AS olat, origin_lng AS olng,
                destination_lat AS dlat, destination_lng AS dlng FROM trips`
      : `SELECT epoch_ms(t.depart_ts) AS dep, t.origin, coalesce(s.h3, t.destination) AS destination, t.origin_lat AS olat,
                t.origin_lng AS olng, coalesce(s.lat, t.destination_lat) AS dlat, coalesce(s.lng, t.destination_lng) AS dlng
         FROM trips t LEFT JOIN stays s ON s.device = t.device AND s.start_ts = t.arrive_ts`
    : `SELECT epoch_ms(a.end_ts) AS dep, a.h3 AS origin, b.h3 AS destination, a.lat AS olat, a.lng AS olng,
              b.lat AS dlat, b.lng AS dlng
       FROM stays a JOIN stays b ON a.device = b.device AND b.start_ts >= a.end_ts AND b.start_ts > a.start_ts
        AND epoch_ms(b.start_ts) // 86400000 = epoch_ms(a.end_ts) // 86400000
       WHERE a.h3 <> b.h3`;
  let ends: string;
  let pointTable: string | null = null;
  if ('zones' in q.space) {
    params.zones = q.space.zones;
    const known = await conn.runAndReadAll('SELECT count(*) FROM duckdb_tables() WHERE table_name = \'zone_cells\'');
    if (Number(known.getRowsJS()[0]![0]) === 0) throw new RangeError(`--zones ${q.space.zones}: no zone system is loaded (citypulse zones load)`);
    const n = await conn.runAndReadAll('SELECT count(*), max(h3_get_resolution(h3)) FROM zone_cells WHERE zone_system = $zones', { zones: q.space.zones });
    const [count, res] = n.getRowsJS()[0]!;
    if (Number(count) === 0) throw new RangeError(`--zones ${q.space.zones}: no such zone system in the database (citypulse zones load)`);
    params.zres = Number(res);
    const locate = q.zoneLookup === 'cells' ? null : await readZoneLocator(conn, q.space.zones);
    if (locate) {
      // Every distinct stay centre → its zone in TS (point in polygon), joined back through a temp table.
      pointTable = `od_point_zone_${randomUUID().replaceAll('-', '')}`;
      const pts = (await conn.runAndReadAll(
        `WITH p AS (SELECT * FROM (${pairs}) WHERE dep >= $from AND dep < $to)
         SELECT DISTINCT olat, olng FROM p UNION SELECT DISTINCT dlat, dlng FROM p`, { from: params.from!, to: params.to! })).getRowsJS();
      await conn.run(`CREATE TEMP TABLE ${pointTable} (lat DOUBLE, lng DOUBLE, zone VARCHAR)`);
      const a = await conn.createAppender(pointTable, 'main', 'temp');
      try {
        for (const [lat, lng] of pts) {
          const z = locate(Number(lat), Number(lng));
          if (z === null) continue;
          a.appendDouble(Number(lat));
          a.appendDouble(Number(lng));
          a.appendVarchar(z);
          a.endRow();
        }
        a.flushSync();
      } finally {
        a.closeSync();
      }
      delete params.zones;
      delete params.zres;
      ends = `SELECT p.dep, zo.zone AS o, zd.zone AS d FROM p
        LEFT JOIN temp.${pointTable} zo ON zo.lat = p.olat AND zo.lng = p.olng
        LEFT JOIN temp.${pointTable} zd ON zd.lat = p.dlat AND zd.lng = p.dlng`;
    } else {
      ends = `SELECT p.dep, zo.zone_id AS o, zd.zone_id AS d FROM p
        LEFT JOIN zone_cells zo ON zo.zone_system = $zones AND zo.h3 = h3_latlng_to_cell(p.olat, p.olng, $zres)
        LEFT JOIN zone_cells zd ON zd.zone_system = $zones AND zd.h3 = h3_latlng_to_cell(p.dlat, p.dlng, $zres)`;
    }
  } else {
    params.res = q.space.res;
    ends = `SELECT p.dep, lower(hex(h3_cell_to_parent(p.origin, $res))) AS o, lower(hex(h3_cell_to_parent(p.destination, $res))) AS d FROM p`;
  }
  const sql = `WITH p AS (SELECT * FROM (${pairs}) WHERE dep >= $from AND dep < $to), e AS (${ends})
    SELECT o, d, (dep // 3600000) * 3600000 AS hour, count(*)::INTEGER AS trips FROM e GROUP BY ALL ORDER BY hour, o, d`;
  let rows;
  try {
    rows = (await conn.runAndReadAll(sql, params)).getRowsJS();
  } finally {
    if (pointTable !== null) await conn.run(`DROP TABLE IF EXISTS temp.${pointTable}`);
  }
  const cells: OdCell[] = [];
  let outside = 0;
  for (const [o, d, hour, trips] of rows) {
    if (o === null || d === null) outside += Number(trips);
    else cells.push({ origin: String(o), destination: String(d), hour: Number(hour), trips: Number(trips) });
  }
  return { cells, outside };
}

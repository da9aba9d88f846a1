import type { DuckDBConnection } from '@duckdb/node-api';
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
 * earlier stay). An end is mapped to a zone by the zone_cells cell holding the stay centre, or to
 * the H3 parent at `res`. Pairs within one zone or cell are kept (intra-zonal flows). Not released:
 * pass the cells to {@link releaseOd} before they leave the system.
 */
export async function queryOdHourly(conn: DuckDBConnection, q: OdQuery): Promise<OdHourlyResult> {
  const need = q.variant === 'consecutive' ? 'trips' : 'stays';
  const has = await conn.runAndReadAll('SELECT count(*) FROM duckdb_tables() WHERE table_name = $t', { t: need });
  if (Number(has.getRowsJS()[0]![0]) === 0) {
    throw new RangeError(`the database has no ${need} table: ingest or stream with the trajectory layer first (docs/mobility.md)`);
  }
  const params: Record<string, string | number> = { from: q.from ?? -8.64e15, to: q.to ?? 8.64e15 };
  const pairs = q.variant === 'consecutive'
    ? `SELECT epoch_ms(depart_ts) AS dep, origin, destination, origin_lat AS olat, origin_lng AS olng,
              destination_lat AS dlat, destination_lng AS dlng FROM trips`
    : `SELECT epoch_ms(a.end_ts) AS dep, a.h3 AS origin, b.h3 AS destination, a.lat AS olat, a.lng AS olng,
              b.lat AS dlat, b.lng AS dlng
       FROM stays a JOIN stays b ON a.device = b.device AND b.start_ts >= a.end_ts AND b.start_ts > a.start_ts
        AND epoch_ms(b.start_ts) // 86400000 = epoch_ms(a.end_ts) // 86400000
       WHERE a.h3 <> b.h3`;
  let ends: string;
  if ('zones' in q.space) {
    params.zones = q.space.zones;
    const known = await conn.runAndReadAll('SELECT count(*) FROM duckdb_tables() WHERE table_name = \'zone_cells\'');
    if (Number(known.getRowsJS()[0]![0]) === 0) throw new RangeError(`--zones ${q.space.zones}: no zone system is loaded (citypulse zones load)`);
    const n = await conn.runAndReadAll('SELECT count(*), max(h3_get_resolution(h3)) FROM zone_cells WHERE zone_system = $zones', { zones: q.space.zones });
    const [count, res] = n.getRowsJS()[0]!;
    if (Number(count) === 0) throw new RangeError(`--zones ${q.space.zones}: no such zone system in the database (citypulse zones load)`);
    params.zres = Number(res);
    ends = `SELECT p.dep, zo.zone_id AS o, zd.zone_id AS d FROM p
      LEFT JOIN zone_cells zo ON zo.zone_system = $zones AND zo.h3 = h3_latlng_to_cell(p.olat, p.olng, $zres)
      LEFT JOIN zone_cells zd ON zd.zone_system = $zones AND zd.h3 = h3_latlng_to_cell(p.dlat, p.dlng, $zres)`;
  } else {
    params.res = q.space.res;
    ends = `SELECT p.dep, lower(hex(h3_cell_to_parent(p.origin, $res))) AS o, lower(hex(h3_cell_to_parent(p.destination, $res))) AS d FROM p`;
  }
  const sql = `WITH p AS (SELECT * FROM (${pairs}) WHERE dep >= $from AND dep < $to), e AS (${ends})
    SELECT o, d, (dep // 3600000) * 3600000 AS hour, count(*)::INTEGER AS trips FROM e GROUP BY ALL ORDER BY hour, o, d`;
  const rows = (await conn.runAndReadAll(sql, params)).getRowsJS();
  const cells: OdCell[] = [];
  let outside = 0;
  for (const [o, d, hour, trips] of rows) {
    if (o === null || d === null) outside += Number(trips);
    else cells.push({ origin: String(o), destination: String(d), hour: Number(hour), trips: Number(trips) });
  }
  return { cells, outside };
}

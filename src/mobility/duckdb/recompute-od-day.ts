import { withTransaction } from '../../outputs/duckdb/with-transaction.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ensureMobilityTables } from './write-mobility-records.ts';

const DAY = 86_400_000;

/** What {@link recomputeOdDay} did. */
export interface OdDayResult {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Trips departing that day, and (hour, origin, destination) rows written to od_daily. */
  trips: number;
  rows: number;
  /** Rows where the streaming od_h3_hourly (summed over partitions) differs from the recompute. */
  streamingMismatches: number;
}

/**
 * The batch side of the OD: recomputes one UTC day of consecutive-trip OD (per departure hour and
 * pair of stay cells) from `trips` into `od_daily`, replacing that day, in one transaction; then
 * compares it with what streaming published into `od_h3_hourly` for the day (they must agree once
 * the day is past the publication bound, docs/mobility.md).
 */
export async function recomputeOdDay(conn: DuckDBConnection, dayStartMs: number): Promise<OdDayResult> {
  if (dayStartMs % DAY !== 0) throw new RangeError(`recomputeOdDay: ${dayStartMs} is not a UTC midnight`);
  await ensureMobilityTables(conn);
  const p = { from: dayStartMs, to: dayStartMs + DAY };
  const inDay = (col: string) => `epoch_ms(${col}) >= $from AND epoch_ms(${col}) < $to`;
  await withTransaction(conn, async () => {
    await conn.run(`DELETE FROM od_daily WHERE ${inDay('departure_hour')}`, p);
    await conn.run(
      `INSERT INTO od_daily
       SELECT make_timestamptz($from::BIGINT * 1000)::DATE, make_timestamptz(((epoch_ms(depart_ts) // 3600000) * 3600000000)::BIGINT),
              origin, destination, count(*)::INTEGER
       FROM trips WHERE ${inDay('depart_ts')} GROUP BY ALL`,
      p,
    );
  });
  const [[trips, rows]] = (await conn.runAndReadAll(`SELECT coalesce(sum(trips), 0)::BIGINT, count(*)::BIGINT FROM od_daily WHERE ${inDay('departure_hour')}`, p)).getRowsJS() as [[bigint, bigint]];
  const [[mismatches]] = (await conn.runAndReadAll(
    `WITH b AS (SELECT departure_hour, origin, destination, trips FROM od_daily WHERE ${inDay('departure_hour')}),
          s AS (SELECT departure_hour, origin, destination, sum(trips)::INTEGER AS trips FROM od_h3_hourly WHERE ${inDay('departure_hour')} GROUP BY ALL)
     SELECT count(*) FROM b FULL JOIN s USING (departure_hour, origin, destination) WHERE b.trips IS DISTINCT FROM s.trips`,
    p,
  )).getRowsJS() as [[bigint]];
  return { day: new Date(dayStartMs).toISOString().slice(0, 10), trips: Number(trips), rows: Number(rows), streamingMismatches: Number(mismatches) };
}

import type { DuckDBConnection } from '@duckdb/node-api';
import { valueCodec } from '../../outputs/duckdb/value-codec.ts';

/** Alert latency from the `alerts` table: `emitted_at − window_closed_at`, in milliseconds. */
export interface AlertLatency {
  /** Alert events measured. */
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
}

/**
 * p50/p99/max of the time from the plugin receiving a closed window to the engine emitting its
 * alert events, over the events whose window starts in [from, to) (default: all).
 * @example const { p50Ms, p99Ms } = await alertLatency(db.connection);
 */
export async function alertLatency(conn: DuckDBConnection, range: { from?: number; to?: number } = {}): Promise<AlertLatency> {
  const r = await conn.runAndReadAll(
    `WITH l AS (
       SELECT (epoch_us(emitted_at) - epoch_us(window_closed_at)) / 1000.0 AS ms
       FROM alerts
       WHERE window_start >= coalesce($1, '-infinity'::TIMESTAMPTZ) AND window_start < coalesce($2, 'infinity'::TIMESTAMPTZ)
     )
     SELECT count(*)::INTEGER, quantile_cont(ms, 0.5), quantile_cont(ms, 0.99), max(ms) FROM l`,
    [range.from === undefined ? null : valueCodec.timestampTZ(range.from), range.to === undefined ? null : valueCodec.timestampTZ(range.to)],
  );
  const [count, p50, p99, max] = r.getRowsJS()[0] as [number, number | null, number | null, number | null];
  return { count, p50Ms: p50, p99Ms: p99, maxMs: max };
}

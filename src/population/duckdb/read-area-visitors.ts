import type { DuckDBConnection } from '@duckdb/node-api';
import { ksafeBreakdown } from '../engine/ksafe-breakdown.ts';
import type { VisitorWindow } from '../engine/visitor-incidents.ts';

/** What {@link readAreaVisitors} released for one area. */
export interface AreaVisitorSeries {
  /** Windows whose origin breakdown is released (origins below k pooled into `other`). */
  windows: VisitorWindow[];
  /** Windows with data whose breakdown was withheld (the `other` pool in [1, k)). */
  withheld: number[];
}

/**
 * The live visitors of `areaId` by origin per window in `[from, to)` (window starts), summed over the
 * partitions' partial rows and released k-safe per window: origins below k pooled into `other`, the
 * window withheld whole when that pool is in [1, k). Null when the database has no `area_visitors`.
 */
export async function readAreaVisitors(conn: DuckDBConnection, areaId: string, from: number, to: number, k: number): Promise<AreaVisitorSeries | null> {
  const t = await conn.runAndReadAll("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'area_visitors'");
  if (Number(t.getRowsJS()[0]![0]) === 0) return null;
  const rows = (await conn.runAndReadAll(
    `SELECT epoch_ms(window_start), epoch_ms(window_end), origin, sum(visitors)::BIGINT FROM area_visitors
     WHERE area_id = $a AND epoch_ms(window_start) >= $from AND epoch_ms(window_start) < $to GROUP BY ALL ORDER BY 1, 3`,
    { a: areaId, from, to })).getRowsJS();
  const byWindow = new Map<number, { end: number; counts: Record<string, number> }>();
  for (const [s, e, o, v] of rows) {
    let w = byWindow.get(Number(s));
    if (!w) byWindow.set(Number(s), (w = { end: Number(e), counts: {} }));
    w.counts[String(o)] = Number(v);
  }
  const r = ksafeBreakdown([...byWindow].map(([s, w]) => ({ zone: String(s), counts: w.counts })), k, { label: 'other' });
  return {
    windows: r.released.map((b) => ({ windowStart: Number(b.zone), windowEnd: byWindow.get(Number(b.zone))!.end, origins: b.counts })),
    withheld: r.suppressedZones.map(Number),
  };
}

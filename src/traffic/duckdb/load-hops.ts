import type { DuckDBConnection } from '@duckdb/node-api';
import type { Hop } from '../engine/hop.ts';

/** Time range of hops to load (entry time), epoch ms; both optional. */
export interface HopRange {
  from?: number;
  to?: number;
}

/** Loads `traffic_hops` (optionally only hops within `range`), in entry-time order. */
export async function loadHops(conn: DuckDBConnection, range: HopRange = {}): Promise<Hop[]> {
  const where: string[] = [];
  if (range.from !== undefined) where.push(`enter_ts >= make_timestamptz(${Math.trunc(range.from) * 1000})`);
  if (range.to !== undefined) where.push(`enter_ts < make_timestamptz(${Math.trunc(range.to) * 1000})`);
  const r = await conn.runAndReadAll(`
    SELECT device, lower(hex(prev_h3)), lower(hex(h3)), lower(hex(next_h3)), epoch_ms(enter_ts), epoch_ms(exit_ts)
    FROM traffic_hops ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY enter_ts, device`);
  return r.getRows().map((x) => ({
    device: x[0] as string, prev: x[1] as string, h3: x[2] as string, next: x[3] as string,
    enterTs: Number(x[4]), exitTs: Number(x[5]),
  }));
}

/** True when the database has the traffic layer's hops table. */
export async function hasTrafficTables(conn: DuckDBConnection): Promise<boolean> {
  const r = await conn.runAndReadAll(`SELECT count(*) FROM information_schema.tables WHERE table_name = 'traffic_hops'`);
  return Number(r.getRows()[0]![0]) > 0;
}

import type { DuckDBConnection } from '@duckdb/node-api';
import type { Hop } from '../engine/hop.ts';

/** Time range of hops to load (entry time), epoch ms; both optional. */
export interface HopRange {
  from?: number;
  to?: number;
}

let snapshots = 0;

/**
 * Loads `traffic_hops` (optionally only hops within `range`), in entry-time order.
 *
 * The rows come back as numbers only: devices and cells are numbered in SQL and their names read
 * once each (18 k devices and a few hundred cells for the main job's 543 k hops), which reads the
 * table 3–5× faster than three hex strings and a device string per row (10.2 s → 2–3.5 s on a busy
 * machine) and lets hops share their string instances. The numbering and the rows are read from one
 * TEMP snapshot (allowed on a read-only database) so a writer appending meanwhile cannot shift them.
 */
export async function loadHops(conn: DuckDBConnection, range: HopRange = {}): Promise<Hop[]> {
  const where: string[] = [];
  if (range.from !== undefined) where.push(`enter_ts >= make_timestamptz(${Math.trunc(range.from) * 1000})`);
  if (range.to !== undefined) where.push(`enter_ts < make_timestamptz(${Math.trunc(range.to) * 1000})`);
  const snap = `traffic_hops_snapshot_${++snapshots}`;
  await conn.run(`CREATE TEMP TABLE ${snap} AS SELECT * FROM traffic_hops ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`);
  try {
    const cellSql = `SELECT c, (row_number() OVER (ORDER BY c) - 1)::INTEGER AS id FROM (SELECT prev_h3 FROM ${snap} UNION SELECT h3 FROM ${snap} UNION SELECT next_h3 FROM ${snap}) t(c)`;
    const deviceSql = `SELECT device, (row_number() OVER (ORDER BY device) - 1)::INTEGER AS id FROM (SELECT DISTINCT device FROM ${snap})`;
    const cells = (await conn.runAndReadAll(`SELECT lower(hex(c)) FROM (${cellSql}) ORDER BY id`)).getColumnsJS()[0] as string[];
    const devices = (await conn.runAndReadAll(`SELECT device FROM (${deviceSql}) ORDER BY id`)).getColumnsJS()[0] as string[];
    const r = await conn.runAndReadAll(`
      WITH c AS (${cellSql}), d AS (${deviceSql})
      SELECT d.id, p.id, h.id, n.id, epoch_ms(t.enter_ts)::DOUBLE, epoch_ms(t.exit_ts)::DOUBLE
      FROM ${snap} t JOIN d USING (device) JOIN c p ON p.c = t.prev_h3 JOIN c h ON h.c = t.h3 JOIN c n ON n.c = t.next_h3
      ORDER BY t.enter_ts, t.device`);
    const [device, prev, h3, next, enter, exit] = r.getColumnsJS() as number[][];
    const hops: Hop[] = new Array(device?.length ?? 0);
    for (let i = 0; i < hops.length; i++) {
      hops[i] = { device: devices[device![i]!]!, prev: cells[prev![i]!]!, h3: cells[h3![i]!]!, next: cells[next![i]!]!, enterTs: enter![i]!, exitTs: exit![i]! };
    }
    return hops;
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${snap}`);
  }
}

/** True when the database has the traffic layer's hops table. */
export async function hasTrafficTables(conn: DuckDBConnection): Promise<boolean> {
  const r = await conn.runAndReadAll(`SELECT count(*) FROM information_schema.tables WHERE table_name = 'traffic_hops'`);
  return Number(r.getRows()[0]![0]) > 0;
}

import type { DuckDBConnection } from '@duckdb/node-api';
import { valueCodec } from '../../outputs/duckdb/value-codec.ts';
import type { WatchedArea } from '../engine/watched-area.ts';

/**
 * Devices present per window in each area, from the `presence` table, for windows starting in
 * [from, to): the history the weekly baseline starts from. Every window present in the table counts
 * (0 for an area without rows in it). Duplicate rows of one (window, cell) — the same input ingested
 * twice — count once (their max). Returns nothing when there is no presence table.
 */
export async function loadAreaHistory(
  conn: DuckDBConnection,
  areas: readonly WatchedArea[],
  from: number,
  to: number,
): Promise<{ areaId: string; windowStart: number; devices: number }[]> {
  const t = await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name = 'presence' AND NOT temporary`);
  if ((t.getRowsJS()[0]![0] as number) === 0) return [];
  const out: { areaId: string; windowStart: number; devices: number }[] = [];
  for (const area of areas) {
    // Cells are validated H3 indexes: integer literals are safe to inline.
    const cells = area.cells.map((c) => valueCodec.h3ToUbigint(c).toString()).join(', ');
    const r = await conn.runAndReadAll(
      `WITH w AS (
         SELECT DISTINCT window_start FROM presence WHERE res = $1 AND window_start >= $2 AND window_start < $3
       ), c AS (
         SELECT window_start, h3, max(present) AS present FROM presence
         WHERE res = $1 AND window_start >= $2 AND window_start < $3 AND h3 IN (${cells})
         GROUP BY window_start, h3
       )
       SELECT epoch_ms(w.window_start), coalesce(sum(c.present), 0)::BIGINT
       FROM w LEFT JOIN c USING (window_start) GROUP BY w.window_start ORDER BY w.window_start`,
      [area.resolution, valueCodec.timestampTZ(from), valueCodec.timestampTZ(to)],
    );
    for (const [ws, d] of r.getRowsJS() as [bigint, bigint][]) out.push({ areaId: area.id, windowStart: Number(ws), devices: Number(d) });
  }
  return out;
}

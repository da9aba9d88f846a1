import type { DuckDBConnection } from '@duckdb/node-api';
import { valueCodec } from '../duckdb/value-codec.ts';
import { checkK, DEFAULT_K } from './k-anonymity.ts';

/** Parameters of a heatmap query. */
export interface HeatmapQuery {
  /** H3 resolution, at most the base resolution of the stored presence. Coarser = sum of children. */
  res: number;
  /** First window start included (ms, inclusive). Default: all. */
  from?: number;
  /** Windows starting before this (ms, exclusive). Default: all. */
  to?: number;
  /** Cells with `present` below k are suppressed. Default 20, never below 2. */
  k?: number;
}

/** One hexagon of a heatmap. */
export interface HeatmapCell {
  windowStart: number;
  windowEnd: number;
  /** H3 index as a hex string. */
  h3: string;
  res: number;
  present: number;
}

/** Rows that passed the k-anonymity threshold, and how many were held back. */
export interface HeatmapResult {
  cells: HeatmapCell[];
  suppressed: number;
  /** People in the suppressed cells (not exported; for the summary only). */
  suppressedPresent: number;
  baseRes: number | null;
}

/**
 * The population heatmap from `presence`: per window and hexagon at `res`, the devices present (at a
 * coarser resolution, the sum over base-resolution children). Applies k-anonymity.
 */
export async function queryHeatmap(conn: DuckDBConnection, q: HeatmapQuery): Promise<HeatmapResult> {
  const k = checkK(q.k ?? DEFAULT_K);
  const baseReader = await conn.runAndReadAll('SELECT max(res)::INTEGER AS r, min(res)::INTEGER AS m FROM presence');
  const [baseRow] = baseReader.getRowObjectsJS() as { r: number | null; m: number | null }[];
  const baseRes = baseRow?.r ?? null;
  if (baseRes === null) return { cells: [], suppressed: 0, suppressedPresent: 0, baseRes };
  if (!Number.isInteger(q.res) || q.res < 0 || q.res > baseRes) {
    throw new RangeError(`res must be an integer from 0 to the base resolution ${baseRes}, got ${q.res}`);
  }
  const reader = await conn.runAndReadAll(
    `WITH agg AS (
       SELECT epoch_ms(window_start) AS ws, epoch_ms(window_end) AS we,
              h3_cell_to_parent(h3, $res::INTEGER) AS cell, sum(present)::BIGINT AS present
       FROM presence
       WHERE epoch_ms(window_start) >= $from::BIGINT AND epoch_ms(window_start) < $to::BIGINT
       GROUP BY ALL
     )
     SELECT ws, we, cell, present, present >= $k AS ok FROM agg WHERE present > 0 ORDER BY ws, cell`,
    { res: q.res, from: q.from ?? 0, to: q.to ?? 8.64e12, k },
  );
  const cells: HeatmapCell[] = [];
  let suppressed = 0;
  let suppressedPresent = 0;
  for (const [ws, we, cell, present, ok] of reader.getRowsJS() as [bigint, bigint, bigint, bigint, boolean][]) {
    if (!ok) {
      suppressed++;
      suppressedPresent += Number(present);
      continue;
    }
    cells.push({ windowStart: Number(ws), windowEnd: Number(we), h3: valueCodec.ubigintToH3(cell), res: q.res, present: Number(present) });
  }
  return { cells, suppressed, suppressedPresent, baseRes };
}

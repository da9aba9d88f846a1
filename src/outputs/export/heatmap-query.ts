import type { DuckDBConnection } from '@duckdb/node-api';
import { ensureRelease } from '../../privacy/duckdb/ensure-release.ts';
import { checkK, DEFAULT_K } from './k-anonymity.ts';

/** Parameters of a heatmap query. */
export interface HeatmapQuery {
  /** H3 resolution, at most the base resolution of the stored presence. Coarser = sum of children. */
  res: number;
  /** First window start included (ms, inclusive). Default: all. */
  from?: number;
  /** Windows starting before this (ms, exclusive). Default: all. */
  to?: number;
  /** k of the figures: release elements below k are left out. Default 20, never below 2. */
  k?: number;
  /**
   * k the release is built with when it is computed beside raw presence (the server's k, when a client
   * raises k). Default: `k`. A raised k only removes elements, so release(k) and release(k') never
   * differ by fewer than k people.
   */
  releaseK?: number;
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
  /** People present but in no shown hexagon (not exported; for the summary only; 0 on an analyst database). */
  suppressedPresent: number;
  baseRes: number | null;
}

/**
 * The population heatmap from the release (see `ensureRelease`): per window and hexagon at `res`, the
 * sum of the release elements that fit in the hexagon (a raised k drops elements below it). Any
 * hexagon minus its shown children is a sum of whole elements: 0 or ≥ k. `suppressed` counts the
 * hexagons with people that show nothing (known only beside raw presence; 0 on an analyst database).
 */
export async function queryHeatmap(conn: DuckDBConnection, q: HeatmapQuery): Promise<HeatmapResult> {
  const k = checkK(q.k ?? DEFAULT_K);
  const source = await ensureRelease(conn, { k: checkK(q.releaseK ?? k), from: q.from, to: q.to });
  const baseRes = source.baseRes;
  if (baseRes === null) return { cells: [], suppressed: 0, suppressedPresent: 0, baseRes };
  if (!Number.isInteger(q.res) || q.res < 0 || q.res > baseRes) {
    throw new RangeError(`res must be an integer from 0 to the base resolution ${baseRes}, got ${q.res}`);
  }
  const range = { res: q.res, from: q.from ?? 0, to: q.to ?? 8.64e12, k };
  const reader = await conn.runAndReadAll(
    `SELECT epoch_ms(window_start) AS ws, epoch_ms(window_end) AS we, h3_cell_to_parent(anchor, $res::INTEGER) AS cell, sum(present)::BIGINT AS present
     FROM release_elements
     WHERE anchor_res >= $res AND present >= $k AND epoch_ms(window_start) >= $from::BIGINT AND epoch_ms(window_start) < $to::BIGINT
     GROUP BY ALL ORDER BY ws, cell`,
    range,
  );
  const cells: HeatmapCell[] = [];
  let shown = 0;
  for (const [ws, we, cell, present] of reader.getRowsJS() as [bigint, bigint, bigint, bigint][]) {
    cells.push({ windowStart: Number(ws), windowEnd: Number(we), h3: cell.toString(16), res: q.res, present: Number(present) });
    shown += Number(present);
  }
  let suppressed = 0;
  let suppressedPresent = 0;
  if (source.mode === 'computed') {
    const raw = await conn.runAndReadAll(
      `WITH agg AS (
         SELECT window_start, h3_cell_to_parent(h3, $res::INTEGER) AS cell, sum(present)::BIGINT AS present
         FROM presence WHERE epoch_ms(window_start) >= $from::BIGINT AND epoch_ms(window_start) < $to::BIGINT GROUP BY ALL
       ), shown AS (
         SELECT DISTINCT window_start, h3_cell_to_parent(anchor, $res::INTEGER) AS cell FROM release_elements
         WHERE anchor_res >= $res AND present >= $k AND epoch_ms(window_start) >= $from::BIGINT AND epoch_ms(window_start) < $to::BIGINT
       )
       SELECT (SELECT count(*) FROM agg a WHERE present > 0 AND NOT EXISTS (SELECT 1 FROM shown s WHERE s.window_start = a.window_start AND s.cell = a.cell))::BIGINT,
              coalesce((SELECT sum(present) FROM agg), 0)::BIGINT`,
      range,
    );
    const [n, total] = raw.getRowsJS()[0] as [bigint, bigint];
    suppressed = Number(n);
    suppressedPresent = Number(total) - shown;
  }
  return { cells, suppressed, suppressedPresent, baseRes };
}

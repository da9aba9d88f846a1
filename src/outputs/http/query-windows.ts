import type { DuckDBConnection } from '@duckdb/node-api';
import { cellToBoundary } from 'h3-js';
import { valueCodec } from '../duckdb/value-codec.ts';
import { ensureRelease } from '../../privacy/duckdb/ensure-release.ts';

/** One closed window as the API lists it, at one resolution and k. */
export interface WindowSummary {
  start: number;
  end: number;
  /** Devices present, summed over the hexagons at `res` with at least k of them. */
  devices: number;
  /** Hexagons at `res` with at least k devices. */
  hexagons: number;
  /** Hexagons at `res` with 1 to k − 1 devices: left out of `devices` and of every heatmap. */
  suppressedHexagons: number;
  /** The largest count of one shown hexagon (0 when none reaches k). */
  maxPresent: number;
}

/** The windows of the `presence` table and the extent of the hexagons a heatmap can show. */
export interface WindowsResult {
  windows: WindowSummary[];
  /** [west, south, east, north] of every hexagon at `res` that reaches k in some window; null when none. */
  bbox: [number, number, number, number] | null;
  /** The base resolution of the stored presence; null when the table is empty. */
  baseRes: number | null;
}

/**
 * Every released window (the pipeline writes a window once it has closed), with the devices present
 * at resolution `res` in the release (see `ensureRelease`; `releaseK` is the server's k, `k` a client's
 * raised one): hexagons with people that show nothing are counted in `suppressedHexagons` (beside raw
 * presence only). A `res` finer than the base resolution gives no windows.
 */
export async function queryWindows(conn: DuckDBConnection, res: number, k: number, releaseK = k): Promise<WindowsResult> {
  const source = await ensureRelease(conn, { k: releaseK });
  const baseRes = source.baseRes;
  // Finer than the stored cells: nothing to show (callers report the base resolution).
  if (baseRes === null || res > baseRes) return { windows: [], bbox: null, baseRes };
  // Released hexagons (sums of whole elements ≥ k), and beside raw presence the hexagons showing nothing.
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE http_window_cells AS
     WITH released AS (
       SELECT epoch_ms(window_start) AS ws, epoch_ms(window_end) AS we,
              h3_cell_to_parent(anchor, $res::INTEGER) AS cell, sum(present)::BIGINT AS present
       FROM release_elements WHERE anchor_res >= $res AND present >= $k GROUP BY ALL
     )
     SELECT * FROM released
     ${source.mode === 'computed' ? `UNION ALL
     SELECT epoch_ms(window_start), epoch_ms(window_end), h3_cell_to_parent(h3, $res::INTEGER) AS cell, 0::BIGINT
     FROM presence p WHERE present > 0
       AND NOT EXISTS (SELECT 1 FROM released r WHERE r.ws = epoch_ms(p.window_start) AND r.cell = h3_cell_to_parent(p.h3, $res::INTEGER))
     GROUP BY ALL` : ''}`,
    { res, k },
  );
  try {
    const w = await conn.runAndReadAll(
      `SELECT ws, we,
              coalesce(sum(present) FILTER (WHERE present >= $k), 0)::BIGINT,
              count(*) FILTER (WHERE present >= $k)::INTEGER,
              count(*) FILTER (WHERE present < $k)::INTEGER,
              coalesce(max(present) FILTER (WHERE present >= $k), 0)::BIGINT
       FROM temp.http_window_cells GROUP BY ws, we ORDER BY ws`,
      { k },
    );
    const windows = (w.getRowsJS() as [bigint, bigint, bigint, number, number, bigint][]).map(([ws, we, devices, hexagons, suppressed, max]) => ({
      start: Number(ws),
      end: Number(we),
      devices: Number(devices),
      hexagons,
      suppressedHexagons: suppressed,
      maxPresent: Number(max),
    }));
    const cells = await conn.runAndReadAll('SELECT DISTINCT cell FROM temp.http_window_cells WHERE present >= $k', { k });
    let bbox: WindowsResult['bbox'] = null;
    for (const [cell] of cells.getRowsJS() as [bigint][]) {
      for (const [lon, lat] of cellToBoundary(valueCodec.ubigintToH3(cell), true) as [number, number][]) {
        bbox = bbox ? [Math.min(bbox[0], lon), Math.min(bbox[1], lat), Math.max(bbox[2], lon), Math.max(bbox[3], lat)] : [lon, lat, lon, lat];
      }
    }
    return { windows, bbox: bbox && (bbox.map((v) => Math.round(v * 1e6) / 1e6) as WindowsResult['bbox']), baseRes };
  } finally {
    await conn.run('DROP TABLE IF EXISTS temp.http_window_cells');
  }
}

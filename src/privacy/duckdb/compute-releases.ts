import type { DuckDBConnection } from '@duckdb/node-api';
import { buildDpRelease } from '../release/build-dp-release.ts';
import { buildRelease, type SecondaryStrategy } from '../release/build-release.ts';
import type { Release } from '../release/release-element.ts';
import { h3Hierarchy } from '../release/release-hierarchy.ts';

/** Options of {@link computeReleases}. */
export interface ComputeReleasesOptions {
  /** k of the release (integer ≥ 2). */
  k: number;
  /** Secondary suppression strategy. Default `pass-up`. */
  strategy?: SecondaryStrategy;
  /** Coarsest H3 resolution at which remainders are pooled. Default 5 (or the base resolution if coarser). */
  topRes?: number;
  /** First window start included, ms. Default: all. */
  from?: number;
  /** Windows starting before this, ms. Default: all. */
  to?: number;
  /** DP mode: ε per window; noise on every base cell of a fixed domain (see `buildDpRelease`). Default off. */
  dpEpsilon?: number;
  /** Uniform [0, 1) source of the DP noise; seeded in tests only. Default Math.random. */
  random?: () => number;
}

/** The release of one window. */
export interface WindowRelease {
  start: number;
  end: number;
  release: Release<bigint>;
  /** The exact base counts (kept in memory for the cost report; never written). */
  counts: Map<bigint, number>;
}

/** Releases of every window in range, with the base resolution they were built at (null: no presence). */
export interface ComputedReleases {
  baseRes: number | null;
  topRes: number | null;
  windows: WindowRelease[];
}

/**
 * Reads the exact base counts of `presence` (per window and base cell) and builds one release per
 * window (see `buildRelease`). This is the only place where released figures meet raw counts.
 */
export async function computeReleases(conn: DuckDBConnection, options: ComputeReleasesOptions): Promise<ComputedReleases> {
  const baseRow = (await conn.runAndReadAll('SELECT max(res)::INTEGER, min(res)::INTEGER FROM presence')).getRowsJS()[0] as [number | null, number | null];
  const baseRes = baseRow[0];
  if (baseRes === null) return { baseRes: null, topRes: null, windows: [] };
  if (baseRow[1] !== baseRes) throw new RangeError(`presence mixes resolutions ${baseRow[1]} and ${baseRes}; a release needs one base resolution`);
  const topRes = Math.min(options.topRes ?? 5, baseRes);
  const hierarchy = h3Hierarchy(baseRes, topRes);
  const reader = await conn.runAndReadAll(
    `SELECT epoch_ms(window_start) AS ws, epoch_ms(window_end) AS we, h3, sum(present)::BIGINT AS present
     FROM presence
     WHERE epoch_ms(window_start) >= $from::BIGINT AND epoch_ms(window_start) < $to::BIGINT AND present > 0
     GROUP BY ALL ORDER BY ws, h3`,
    { from: options.from ?? -8.64e12, to: options.to ?? 8.64e12 },
  );
  // DP mode: a data-independent domain, the cells of the cell table (else every cell seen in range).
  const domain: bigint[] = [];
  if (options.dpEpsilon !== undefined) {
    const hasCells = (await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name = 'cells'`)).getRowsJS()[0]![0] as number;
    const sql = hasCells
      ? `SELECT DISTINCT h3_cell_to_parent(h3, ${baseRes}) FROM cells`
      : `SELECT DISTINCT h3 FROM presence WHERE epoch_ms(window_start) >= $from::BIGINT AND epoch_ms(window_start) < $to::BIGINT`;
    let rows = (await conn.runAndReadAll(sql, hasCells ? {} : { from: options.from ?? -8.64e12, to: options.to ?? 8.64e12 })).getRowsJS();
    if (rows.length === 0 && hasCells) rows = (await conn.runAndReadAll('SELECT DISTINCT h3 FROM presence')).getRowsJS();
    for (const [h3] of rows as [bigint][]) domain.push(h3);
  }
  const windows: WindowRelease[] = [];
  let current: { start: number; end: number; counts: [bigint, number][] } | undefined;
  const close = () => {
    if (!current) return;
    const release =
      options.dpEpsilon === undefined
        ? buildRelease(current.counts, hierarchy, { k: options.k, strategy: options.strategy })
        : buildDpRelease(new Map(current.counts), domain, hierarchy, { k: options.k, epsilon: options.dpEpsilon, random: options.random });
    windows.push({ start: current.start, end: current.end, release, counts: new Map(current.counts) });
  };
  for (const [ws, we, h3, present] of reader.getRowsJS() as [bigint, bigint, bigint, bigint][]) {
    const start = Number(ws);
    if (!current || current.start !== start) {
      close();
      current = { start, end: Number(we), counts: [] };
    }
    current.counts.push([h3, Number(present)]);
  }
  close();
  return { baseRes, topRes, windows };
}

import type { DuckDBConnection } from '@duckdb/node-api';
import { CitypulseError } from '../../core/citypulse-error.ts';
import type { SecondaryStrategy } from '../release/build-release.ts';
import { computeReleases } from './compute-releases.ts';
import { readZoneCells, writeReleases } from './write-releases.ts';

/** How the released tables of a connection came to be. */
export interface ReleaseSource {
  /** `analyst`: a database written by `citypulse release`; `computed`: TEMP tables built from raw presence. */
  mode: 'analyst' | 'computed';
  /** The k the release was built with; clients may raise it, never lower it. */
  k: number;
  baseRes: number | null;
  topRes: number | null;
}

/** Options of {@link ensureRelease}. */
export interface EnsureReleaseOptions {
  /** k of the release when it has to be built (integer ≥ 2). */
  k: number;
  strategy?: SecondaryStrategy;
  topRes?: number;
  /** Reuse a release already on the connection whatever its k (no check). Default false. */
  anyK?: boolean;
  /**
   * Only windows starting in [from, to) are needed (ms; default all). Releases are per window and do
   * not depend on the range, so a narrower build gives the same elements for its windows — cheaper
   * for one window's export.
   */
  from?: number;
  to?: number;
}

const ALL = { from: -8.64e15, to: 8.64e15 };

const built = new WeakMap<DuckDBConnection, ReleaseSource & { from: number; to: number }>();

/**
 * Makes the released tables (`release_elements`, `release_element_zones`, `release_meta`) readable on
 * `conn`, so every product reads released data only: an analyst database already has them (its k is
 * kept; asking for a lower k is refused); beside a raw database they are built once per connection as
 * TEMP tables from `presence` (read-only databases allow TEMP tables), for all windows — per-window
 * releases do not depend on the range asked for, so every range sees the same elements.
 *
 * @throws CitypulseError (usage) when an analyst database was released with a larger k than asked.
 */
export async function ensureRelease(conn: DuckDBConnection, options: EnsureReleaseOptions): Promise<ReleaseSource> {
  const from = options.from ?? ALL.from;
  const to = options.to ?? ALL.to;
  const cached = built.get(conn);
  const covers = cached !== undefined && cached.from <= from && cached.to >= to;
  if (cached && covers && (options.anyK || cached.mode === 'analyst' || cached.k === options.k)) return options.anyK ? cached : checkK(cached, options.k);
  // presence may be a view (over the lake's Parquet, docs/lake.md)
  const tables = (await conn.runAndReadAll(
    `SELECT table_name, temporary FROM duckdb_tables() WHERE table_name IN ('release_meta', 'presence')
     UNION ALL SELECT view_name, temporary FROM duckdb_views() WHERE view_name = 'presence'`,
  )).getRowsJS() as [string, boolean][];
  const analyst = tables.some(([t, temp]) => t === 'release_meta' && !temp);
  let source: ReleaseSource & { from: number; to: number };
  if (analyst) {
    const [k, base, top] = (await conn.runAndReadAll('SELECT k, base_res, top_res FROM main.release_meta LIMIT 1')).getRowsJS()[0] as [number, number, number];
    source = { mode: 'analyst', k, baseRes: base, topRes: top, ...ALL };
  } else {
    if (!tables.some(([t]) => t === 'presence')) throw new CitypulseError('the database has neither released tables nor presence: not a citypulse database', { kind: 'usage' });
    // anyK callers (named queries) need every window
    const range = options.anyK ? ALL : { from, to };
    const computed = await computeReleases(conn, { k: options.k, strategy: options.strategy, topRes: options.topRes, ...range });
    await writeReleases(conn, computed, await readZoneCells(conn), { temp: true, k: options.k, strategy: options.strategy ?? 'pass-up' });
    const baseRes = computed.baseRes ?? ((await conn.runAndReadAll('SELECT max(res)::INTEGER FROM presence')).getRowsJS()[0]![0] as number | null);
    source = { mode: 'computed', k: options.k, baseRes, topRes: computed.topRes, ...range };
  }
  built.set(conn, source);
  return options.anyK ? source : checkK(source, options.k);
}

function checkK(source: ReleaseSource, k: number): ReleaseSource {
  if (k < source.k) throw new CitypulseError(`this analyst database was released with k = ${source.k}; ask for k ≥ ${source.k}`, { kind: 'usage', parameter: 'k' });
  return source;
}

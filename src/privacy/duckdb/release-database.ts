import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CitypulseError } from '../../core/citypulse-error.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import type { SecondaryStrategy } from '../release/build-release.ts';
import { computeReleases } from './compute-releases.ts';
import { recordBudget } from './privacy-budget.ts';
import type { ReleaseCostRow } from './release-cost.ts';
import { readZoneCells, writeReleases } from './write-releases.ts';

/** What `citypulse release` and the `release` job do: a raw database in, an analyst database out. */
export interface ReleaseDatabaseConfig {
  /** The raw pipeline database (read-only unless `dpEpsilon` is set: the budget is recorded there). */
  raw: string;
  /** The analyst database to write (replaced atomically). */
  out: string;
  k: number;
  strategy?: SecondaryStrategy;
  topRes?: number;
  from?: number;
  to?: number;
  /** DP mode: ε per window. */
  dpEpsilon?: number;
  /** Also write the released tables as Parquet files into this folder. */
  parquetDir?: string;
  random?: () => number;
}

/** What was released. */
export interface ReleaseSummary {
  windows: number;
  people: number;
  withheld: number;
  elements: number;
  cost: ReleaseCostRow[];
  baseRes: number | null;
}

/** Tables of the analyst database besides the released ones: non-personal reference data. */
const REFERENCE_TABLES = ['zones', 'zone_cells', 'cells'] as const;

/**
 * Builds the analyst database: `release_elements`, `release_element_zones`, `release_meta`,
 * `release_cost`, the convenience tables `release_heatmap(window_start, window_end, h3, res, present)`
 * (res base…top) and `release_zone_totals(zone_system, zone_id, window_start, window_end, present)`, and
 * the reference tables zones, zone_cells, cells. No raw count, device or dead letter is copied.
 */
export async function releaseDatabase(config: ReleaseDatabaseConfig): Promise<ReleaseSummary> {
  if (!existsSync(config.raw)) throw new CitypulseError(`--db ${config.raw}: no such file`, { kind: 'usage' });
  if (resolve(config.raw) === resolve(config.out)) throw new CitypulseError('--out must differ from --db (the analyst database never holds raw tables)', { kind: 'usage' });
  const raw = await openDatabase(config.raw, { readOnly: config.dpEpsilon === undefined, createSchema: false });
  let computed;
  let zones;
  try {
    const hasPresence = (await raw.connection.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name = 'presence'`)).getRowsJS()[0]![0];
    if (!hasPresence) throw new CitypulseError(`${config.raw} has no presence table: is it a raw citypulse database?`, { kind: 'usage' });
    computed = await computeReleases(raw.connection, config);
    zones = await readZoneCells(raw.connection);
    if (config.dpEpsilon !== undefined) await recordBudget(raw.connection, computed.windows.map((w) => w.start), config.dpEpsilon);
  } finally {
    raw.close();
  }
  mkdirSync(dirname(resolve(config.out)), { recursive: true });
  const tmp = `${config.out}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  const out = await openDatabase(tmp, { createSchema: false });
  let cost: ReleaseCostRow[];
  try {
    const c = out.connection;
    cost = await writeReleases(c, computed, zones, { k: config.k, strategy: config.strategy ?? 'pass-up', dpEpsilon: config.dpEpsilon });
    await c.run(`CREATE TABLE release_heatmap AS
      SELECT e.window_start, e.window_end, h3_cell_to_parent(e.anchor, r.res::INTEGER) AS h3, r.res::INTEGER AS res, sum(e.present)::BIGINT AS present
      FROM release_elements e, (SELECT unnest(range(top_res, base_res + 1)) AS res FROM release_meta) r
      WHERE e.anchor_res >= r.res
      GROUP BY ALL ORDER BY 1, 4, 3`);
    await c.run(`CREATE TABLE release_zone_totals AS
      SELECT z.zone_system, z.zone_id, e.window_start, e.window_end, sum(e.present)::BIGINT AS present
      FROM release_element_zones z JOIN release_elements e USING (window_start, element_id)
      GROUP BY ALL ORDER BY 1, 2, 3`);
    await c.run(`ATTACH '${config.raw.replaceAll("'", "''")}' AS raw (READ_ONLY)`);
    const rawTables = new Set((await c.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE database_name = 'raw'`)).getRowsJS().map((r) => r[0] as string));
    for (const t of REFERENCE_TABLES) if (rawTables.has(t)) await c.run(`CREATE TABLE ${t} AS SELECT * FROM raw.${t}`);
    await c.run('DETACH raw');
    if (config.parquetDir) {
      mkdirSync(config.parquetDir, { recursive: true });
      for (const t of ['release_heatmap', 'release_zone_totals', 'release_meta']) {
        await c.run(`COPY ${t} TO '${join(config.parquetDir, `${t}.parquet`).replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
      }
    }
    await c.run('CHECKPOINT');
  } finally {
    out.close();
  }
  rmSync(`${tmp}.wal`, { force: true });
  renameSync(tmp, config.out);
  rmSync(`${config.out}.wal`, { force: true });
  return {
    windows: computed.windows.length,
    people: computed.windows.reduce((s, w) => s + w.release.total, 0),
    withheld: computed.windows.reduce((s, w) => s + w.release.withheld, 0),
    elements: computed.windows.reduce((s, w) => s + w.release.elements.length, 0),
    cost,
    baseRes: computed.baseRes,
  };
}

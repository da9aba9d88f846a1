import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { copyToParquet, sqlPath } from './copy-to-parquet.ts';
import type { LakeCompression } from './lake-config.ts';
import { LakeError } from './lake-error.ts';
import { COMPACTED_FILE, lakeLayout, TMP_SUFFIX } from './lake-layout.ts';

/** Options of {@link compactLake}. */
export interface CompactLakeOptions {
  /** Compact only hours that ended at least this many hours before `now` (leave room for late replays). */
  olderThanHours: number;
  /** Clock, epoch ms. Default Date.now(). */
  now?: number;
  /** Parquet compression of the merged files. Default `zstd`. */
  compression?: LakeCompression;
}

/** What {@link compactLake} did. */
export interface CompactLakeResult {
  /** Hour partitions rewritten. */
  partitions: number;
  /** Window part files merged (and removed). */
  filesMerged: number;
  /** Rows in the rewritten compacted files. */
  rows: number;
}

/**
 * Merges each old-enough hour partition of the lake's presence into one `compacted.parquet` (rows in
 * window then H3 order), then removes the window parts. Rows of a window that has a part file replace
 * that window's rows in an existing compacted file, so compacting again — or after a crash between the
 * rename and the removals — never duplicates rows. Leftover `.tmp` files of interrupted writes in
 * those partitions are removed. Meant for a scheduled job; `olderThanHours` should exceed how late a
 * replay can rewrite a window.
 */
export async function compactLake(dir: string, options: CompactLakeOptions): Promise<CompactLakeResult> {
  const { olderThanHours } = options;
  if (!Number.isFinite(olderThanHours) || olderThanHours < 0) throw new LakeError(`olderThanHours must be 0 or more, got ${olderThanHours}`);
  const cutoff = (options.now ?? Date.now()) - olderThanHours * lakeLayout.HOUR_MS;
  const compression = options.compression ?? 'zstd';
  const result: CompactLakeResult = { partitions: 0, filesMerged: 0, rows: 0 };
  const root = lakeLayout.presenceDir(dir);
  if (!existsSync(root)) return result;
  const partitions: string[] = [];
  for (const date of readdirSync(root)) {
    if (!statSync(join(root, date)).isDirectory()) continue;
    for (const hour of readdirSync(join(root, date))) {
      const start = lakeLayout.partitionHour(date, hour);
      if (start !== null && start + lakeLayout.HOUR_MS <= cutoff) partitions.push(join(root, date, hour));
    }
  }
  if (partitions.length === 0) return result;
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    for (const partition of partitions.sort()) {
      const files = readdirSync(partition);
      for (const f of files) if (f.endsWith(TMP_SUFFIX)) rmSync(join(partition, f), { force: true });
      const parts = files.filter(lakeLayout.isPart).map((f) => join(partition, f));
      if (parts.length === 0) continue;
      const compacted = join(partition, COMPACTED_FILE);
      const partList = `[${parts.map(sqlPath).join(', ')}]`;
      const fromParts = `read_parquet(${partList}, hive_partitioning = false)`;
      const select = existsSync(compacted)
        ? `SELECT * FROM ${fromParts}
           UNION ALL
           SELECT * FROM read_parquet(${sqlPath(compacted)}, hive_partitioning = false)
           WHERE window_start NOT IN (SELECT DISTINCT window_start FROM ${fromParts})
           ORDER BY window_start, h3`
        : `SELECT * FROM ${fromParts} ORDER BY window_start, h3`;
      try {
        await copyToParquet(conn, select, compacted, compression);
        const counted = await conn.runAndReadAll(`SELECT count(*) FROM read_parquet(${sqlPath(compacted)}, hive_partitioning = false)`);
        result.rows += Number(counted.getRowsJS()[0]![0]);
      } catch (cause) {
        throw new LakeError(`lake: cannot compact ${partition}: ${(cause as Error).message}`, { path: partition, cause });
      }
      for (const p of parts) rmSync(p, { force: true });
      result.partitions++;
      result.filesMerged += parts.length;
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return result;
}

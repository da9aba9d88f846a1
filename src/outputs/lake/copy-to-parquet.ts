import { renameSync, rmSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LakeCompression } from './lake-config.ts';
import { TMP_SUFFIX } from './lake-layout.ts';

/** A path as a SQL string literal (COPY and read_parquet take file names as literals). */
export function sqlPath(path: string): string {
  return `'${path.replaceAll("'", "''")}'`;
}

/**
 * Writes the rows of `select` to `path` as Parquet through DuckDB's COPY, first to `path.tmp`, then
 * renamed into place: readers see the old file or the new one, never half of one.
 */
export async function copyToParquet(conn: DuckDBConnection, select: string, path: string, compression: LakeCompression): Promise<void> {
  const tmp = path + TMP_SUFFIX;
  try {
    await conn.run(`COPY (${select}) TO ${sqlPath(tmp)} (FORMAT parquet, COMPRESSION ${compression})`);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

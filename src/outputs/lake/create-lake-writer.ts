import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { PresenceRow } from '../../core/presence-row.ts';
import { appendPresenceColumns, presenceColumnsDdl } from '../duckdb/presence-columns.ts';
import { withAppender } from '../duckdb/with-appender.ts';
import type { WindowPlugin } from '../window-plugin.ts';
import { copyToParquet, sqlPath } from './copy-to-parquet.ts';
import type { LakeConfig } from './lake-config.ts';
import { LakeError } from './lake-error.ts';
import { COMPACTED_FILE, lakeLayout } from './lake-layout.ts';

/** The lake's files hold exactly the presence columns (presence-columns.ts), staged in this table. */
const STAGE_DDL = `CREATE OR REPLACE TABLE lake_rows (
${presenceColumnsDdl()}
)`;

/**
 * A {@link WindowPlugin} that writes the presence rows of closed windows into a Parquet lake:
 * `<dir>/presence/date=YYYY-MM-DD/hour=HH/part-<windowStart>-<n>.parquet`, h3 as UBIGINT, readable
 * from any engine with `read_parquet('<dir>/presence/**\/*.parquet', hive_partitioning = true)` while
 * the pipeline keeps its DuckDB file locked.
 *
 * Each flush writes one file per window it closed, in the window's hour partition. Names depend only
 * on the window, and files are written in {@link WindowPlugin.flush} — before the stream commits its
 * offsets — so a replay after a crash rewrites the same files instead of adding copies. A window whose
 * hour was already compacted is merged into `compacted.parquet` (its old rows replaced). Files appear
 * atomically (written aside, then renamed). Writing goes through a private in-memory DuckDB, never
 * the pipeline's connection.
 */
export function createLakeWriter(config: LakeConfig): WindowPlugin {
  if (!config.dir) throw new LakeError('the lake needs a dir');
  const compression = config.compression ?? 'zstd';
  const maxRows = config.maxRowsPerFile ?? 1_000_000;
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new LakeError(`maxRowsPerFile must be a positive integer, got ${maxRows}`);
  let pending: PresenceRow[] = [];
  let scratch: { instance: DuckDBInstance; conn: DuckDBConnection } | undefined;

  async function connection(): Promise<DuckDBConnection> {
    if (!scratch) {
      const instance = await DuckDBInstance.create(':memory:');
      const conn = await instance.connect();
      await conn.run(STAGE_DDL);
      scratch = { instance, conn };
    }
    return scratch.conn;
  }

  async function stage(conn: DuckDBConnection, rows: readonly PresenceRow[]): Promise<void> {
    await conn.run('DELETE FROM lake_rows');
    await withAppender(conn, 'lake_rows', (a) => {
      for (const r of rows) {
        appendPresenceColumns(a, r);
        a.endRow();
      }
    });
  }

  async function writeWindow(conn: DuckDBConnection, windowStart: number, rows: PresenceRow[]): Promise<void> {
    const partition = lakeLayout.partitionDir(config.dir, windowStart);
    mkdirSync(partition, { recursive: true });
    const prefix = lakeLayout.windowPrefix(windowStart);
    const compacted = join(partition, COMPACTED_FILE);
    const stale = readdirSync(partition).filter((f) => f.startsWith(prefix) && f.endsWith('.parquet'));
    if (existsSync(compacted)) {
      // A replay into an hour already compacted: replace this window's rows in the compacted file.
      await stage(conn, rows);
      const ws = new Date(windowStart).toISOString();
      await copyToParquet(
        conn,
        `SELECT * FROM read_parquet(${sqlPath(compacted)}, hive_partitioning = false) WHERE window_start <> TIMESTAMPTZ '${ws}'
         UNION ALL SELECT * FROM lake_rows ORDER BY window_start, h3`,
        compacted,
        compression,
      );
      for (const f of stale) rmSync(join(partition, f), { force: true });
      return;
    }
    const written = new Set<string>();
    for (let n = 0; n * maxRows < rows.length; n++) {
      await stage(conn, rows.slice(n * maxRows, (n + 1) * maxRows));
      const file = lakeLayout.partFile(windowStart, n);
      await copyToParquet(conn, 'SELECT * FROM lake_rows ORDER BY h3', join(partition, file), compression);
      written.add(file);
    }
    // Fewer parts than a previous run of the same window wrote: drop the extra ones.
    for (const f of stale) if (!written.has(f)) rmSync(join(partition, f), { force: true });
  }

  return {
    name: 'lake',
    onWindowsClosed(rows) {
      for (const r of rows) pending.push(r);
    },
    async flush() {
      if (pending.length === 0) return;
      const rows = pending;
      pending = [];
      const byWindow = new Map<number, PresenceRow[]>();
      for (const r of rows) {
        const list = byWindow.get(r.windowStart);
        if (list) list.push(r);
        else byWindow.set(r.windowStart, [r]);
      }
      for (const [windowStart, list] of byWindow) {
        try {
          await writeWindow(await connection(), windowStart, list);
        } catch (cause) {
          // Keep the rows for a retried flush; windows already written are simply rewritten then.
          pending = rows.concat(pending);
          const path = lakeLayout.partitionDir(config.dir, windowStart);
          throw new LakeError(`lake: cannot write window ${new Date(windowStart).toISOString()} to ${path}: ${(cause as Error).message}`, { path, windowStart, cause });
        }
      }
    },
    async close() {
      if (!scratch) return;
      scratch.conn.closeSync();
      scratch.instance.closeSync();
      scratch = undefined;
    },
  };
}

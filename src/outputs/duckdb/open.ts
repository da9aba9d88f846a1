import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { registerH3Functions } from '../../h3-sql/register.ts';
import { SCHEMA_SQL } from './schema.ts';

/** A DuckDB database opened by citypulse: the instance, one connection, and how to close both. */
export interface Database {
  instance: DuckDBInstance;
  connection: DuckDBConnection;
  /** The file path, or `:memory:`. */
  path: string;
  close(): void;
}

/** Options of {@link openDatabase}. */
export interface OpenOptions {
  /** Create the pipeline tables when missing. Default true. */
  createSchema?: boolean;
  /** Open read-only (other processes may read a file no writer holds). Default false. */
  readOnly?: boolean;
  /** Register the h3_* SQL functions. Default true. */
  h3?: boolean;
  /**
   * DuckDB's `memory_limit` (e.g. '1GiB'): the most its buffer manager holds; past it, cached blocks
   * of the file are evicted and large operators spill to `FILE.tmp`. Default: DuckDB's, 80 % of RAM,
   * no practical bound on the cache of a long-running writer.
   */
  memoryLimit?: string;
  /**
   * DuckDB's `allocator_background_threads`: its allocator (jemalloc) returns freed pages to the
   * system from a thread of its own, on a timer, instead of only while DuckDB allocates again. For a
   * long-running writer whose RSS should follow what it holds. Default false (DuckDB's).
   */
  backgroundPurge?: boolean;
}

/** A size DuckDB's `memory_limit` accepts: a number and a unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB). */
export const DUCKDB_SIZE = /^\d+(\.\d+)?\s*([KMGT]i?B|B)$/i;

/**
 * Opens (or creates) a DuckDB database file, registers the `h3_*` functions under the names of DuckDB's
 * h3 extension, and creates the pipeline tables.
 */
export async function openDatabase(path: string, options: OpenOptions = {}): Promise<Database> {
  const config: Record<string, string> = {};
  if (options.readOnly) config.access_mode = 'READ_ONLY';
  if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
  if (options.backgroundPurge) config.allocator_background_threads = 'true';
  const instance = await DuckDBInstance.create(path, config);
  const connection = await instance.connect();
  if (options.h3 !== false) registerH3Functions(connection);
  if (options.createSchema !== false && !options.readOnly) await connection.run(SCHEMA_SQL);
  return {
    instance,
    connection,
    path,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

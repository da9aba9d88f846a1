import { resolve } from 'node:path';
import { openDatabase, type Database } from '../outputs/duckdb/open.ts';

/** Options of {@link openAnalystDatabase}. */
export interface AnalystDatabaseOptions {
  /** Folders SQL may read files from (e.g. the Parquet lake). Default none. */
  allowDirectories?: string[];
  /** The one file the command itself writes (`--format parquet --out`), if any. */
  outputFile?: string;
}

/**
 * Opens a database for analyst SQL, sandboxed: read-only, DuckDB's external access switched off
 * (no COPY … TO, ATTACH, INSTALL/LOAD, read_text('/etc/passwd'), glob), file reads only from
 * `allowDirectories`, and the configuration locked so no `SET` can undo any of it. The h3_* functions
 * are registered before the lock. `path` `:memory:` gives an empty database.
 */
export async function openAnalystDatabase(path: string, options: AnalystDatabaseOptions = {}): Promise<Database> {
  const db = await openDatabase(path, { readOnly: path !== ':memory:', createSchema: false });
  try {
    const quote = (p: string) => `'${resolve(p).replaceAll("'", "''")}'`;
    const dirs = (options.allowDirectories ?? []).map((d) => quote(d.endsWith('/') ? d : `${d}/`));
    if (dirs.length > 0) await db.connection.run(`SET allowed_directories = [${dirs.join(', ')}]`);
    if (options.outputFile) await db.connection.run(`SET allowed_paths = [${quote(options.outputFile)}]`);
    await db.connection.run('SET enable_external_access = false');
    await db.connection.run('SET lock_configuration = true');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

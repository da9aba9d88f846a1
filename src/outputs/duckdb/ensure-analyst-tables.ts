import type { DuckDBConnection } from '@duckdb/node-api';
import { ANALYST_TABLES_SQL, type AnalystTable } from './analyst-schema.ts';

/**
 * Makes the analyst tables (`zones`, `zone_cells`, `cells`) exist so every query in `sql/` can run.
 * On a writable database, missing ones are created. On a read-only one, missing ones are created as
 * empty TEMP tables (they shadow nothing: the database has none of that name), so queries that need a
 * table never loaded return no rows instead of failing.
 * Resolves to the tables that were missing.
 */
export async function ensureAnalystTables(conn: DuckDBConnection, readOnly = false): Promise<AnalystTable[]> {
  const reader = await conn.runAndReadAll(
    `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary`,
  );
  const present = new Set(reader.getRowsJS().map((r) => r[0] as string));
  const missing = (Object.keys(ANALYST_TABLES_SQL) as AnalystTable[]).filter((t) => !present.has(t));
  for (const t of missing) {
    const ddl = ANALYST_TABLES_SQL[t];
    await conn.run(readOnly ? ddl.replace('CREATE TABLE IF NOT EXISTS', 'CREATE TEMP TABLE IF NOT EXISTS') : ddl);
  }
  return missing;
}

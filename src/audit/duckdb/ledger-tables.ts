import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * DDL of a ledger: `ledger` (one row per entry: index from 0, type, ref — e.g. `alert:<id>#<seq>` —,
 * the canonical JSON text and its RFC 9162 leaf hash), `ledger_heads` (every signed tree head, as
 * JSON) and `ledger_meta` (the log id). Append-only by convention; `citypulse audit verify` finds any
 * edit.
 */
export const LEDGER_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS ledger (
  idx       BIGINT  PRIMARY KEY,
  type      VARCHAR NOT NULL,
  ref       VARCHAR,
  entry     VARCHAR NOT NULL,
  leaf_hash VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_heads (
  size BIGINT  PRIMARY KEY,
  head VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_meta (
  log_id     VARCHAR NOT NULL,
  created_at VARCHAR NOT NULL
);
`;

/** Creates the ledger tables when missing. */
export async function createLedgerTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(LEDGER_TABLES_SQL);
}

/** True when the connection's database has a `ledger` table. */
export async function hasLedger(conn: DuckDBConnection): Promise<boolean> {
  return hasTable(conn, 'ledger');
}

/** True when the connection's current database has the table. */
export async function hasTable(conn: DuckDBConnection, name: string): Promise<boolean> {
  const r = await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name = $1 AND database_name = current_database()`, [name]);
  return (r.getRowsJS()[0]![0] as number) > 0;
}

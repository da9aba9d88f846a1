import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';

/**
 * Opens an appender on `table`, lets `fill` append rows, flushes and always closes it — the one way
 * citypulse writes rows into DuckDB (never one INSERT per row). `catalog` 'temp' reaches temp tables.
 *
 * @example
 * await withAppender(conn, 'presence', (a) => { for (const r of rows) { appendPresenceColumns(a, r); a.endRow(); } });
 */
export async function withAppender(
  conn: DuckDBConnection,
  table: string,
  fill: (a: DuckDBAppender) => void,
  schema: string | null = null,
  catalog: string | null = null,
): Promise<void> {
  const a = await conn.createAppender(table, schema, catalog);
  try {
    fill(a);
    a.flushSync();
  } finally {
    a.closeSync();
  }
}

/** Appends `v` as a DOUBLE, or NULL when it is null. */
export function appendNullableDouble(a: DuckDBAppender, v: number | null): void {
  if (v === null) a.appendNull();
  else a.appendDouble(v);
}

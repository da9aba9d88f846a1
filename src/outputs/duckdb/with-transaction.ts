import type { DuckDBConnection } from '@duckdb/node-api';

/** Connections inside a {@link withTransaction} body (DuckDB has no nested transactions or savepoints). */
const open = new WeakSet<DuckDBConnection>();

/**
 * Runs `body` inside one DuckDB transaction: `BEGIN`, then `COMMIT` when `body` resolves, `ROLLBACK`
 * (and rethrow) when it throws — the one way citypulse groups writes that must land together.
 *
 * Nested calls on the same connection join the outer transaction (DuckDB has no savepoints): the
 * inner body's writes commit or roll back with the outer one. E.g. `ingest -` wraps the whole run in
 * one transaction while the run itself commits each plugin flush with its ledger entries.
 *
 * @example
 * await withTransaction(conn, async () => { await conn.run('DELETE …'); await withAppender(conn, 't', fill); });
 */
export async function withTransaction<T>(conn: DuckDBConnection, body: () => Promise<T>): Promise<T> {
  if (open.has(conn)) return body();
  await conn.run('BEGIN TRANSACTION');
  open.add(conn);
  let result: T;
  try {
    result = await body();
  } catch (err) {
    open.delete(conn);
    try {
      await conn.run('ROLLBACK');
    } catch {
      // The transaction may already be aborted by DuckDB; the original error is what matters.
    }
    throw err;
  }
  open.delete(conn);
  await conn.run('COMMIT');
  return result;
}

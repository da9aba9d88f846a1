import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Runs `body` inside one DuckDB transaction: `BEGIN`, then `COMMIT` when `body` resolves, `ROLLBACK`
 * (and rethrow) when it throws — the one way citypulse groups writes that must land together.
 *
 * @example
 * await withTransaction(conn, async () => { await conn.run('DELETE …'); await withAppender(conn, 't', fill); });
 */
export async function withTransaction<T>(conn: DuckDBConnection, body: () => Promise<T>): Promise<T> {
  await conn.run('BEGIN TRANSACTION');
  let result: T;
  try {
    result = await body();
  } catch (err) {
    try {
      await conn.run('ROLLBACK');
    } catch {
      // The transaction may already be aborted by DuckDB; the original error is what matters.
    }
    throw err;
  }
  await conn.run('COMMIT');
  return result;
}

import { StatementType, type DuckDBConnection } from '@duckdb/node-api';
import { QueryError } from './query-error.ts';

/** Statement kinds analyst SQL may run: queries only. */
const ALLOWED = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

/**
 * Refuses SQL that is not a query (COPY, ATTACH, SET, INSTALL/LOAD, CREATE, PRAGMA, EXPORT, CALL …)
 * and file paths climbing out of a folder (`..`): a second wall behind the sandbox of
 * `openAnalystDatabase`, with a clear message naming what was refused.
 * @throws QueryError naming the statement kind.
 */
export async function checkReadOnlySql(conn: DuckDBConnection, sql: string, name: string): Promise<void> {
  if (/\.\.[\\/]|[\\/]\.\./.test(sql)) throw new QueryError(`query ${name}: a file path with .. is refused (read files of the allowed folders by their own paths)`, { query: name });
  const extracted = await conn.extractStatements(sql);
  for (let i = 0; i < extracted.count; i++) {
    const prepared = await extracted.prepare(i);
    try {
      if (!ALLOWED.has(prepared.statementType)) {
        const kind = StatementType[prepared.statementType] ?? String(prepared.statementType);
        throw new QueryError(`query ${name}: only queries (SELECT) may run here; a ${kind} statement is refused (the analyst database is read-only and cannot write, attach or load files)`, { query: name });
      }
    } finally {
      prepared.destroySync();
    }
  }
}

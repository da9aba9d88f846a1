import { DuckDBTypeId, JSDuckDBValueConverter, type DuckDBConnection, type DuckDBValueConverter, type JS } from '@duckdb/node-api';
import { QueryError } from './query-error.ts';
import type { NamedQuery } from './named-query.ts';
import { prepareAndBind, prepareQuery, wrapError } from './prepare-query.ts';
import type { QueryParams } from './query-params.ts';
import type { QueryResult } from './query-result.ts';

/** Shown as DuckDB's own text: dates, times, and intervals (`1 day 02:00:00`, not `{"months":0,…}`). */
const AS_STRING = new Set<DuckDBTypeId>([DuckDBTypeId.DATE, DuckDBTypeId.TIME, DuckDBTypeId.TIME_NS, DuckDBTypeId.TIME_TZ, DuckDBTypeId.INTERVAL]);
const TIMESTAMPS = new Set<DuckDBTypeId>([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_TZ,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
]);

/** node-api's JS conversion, with dates and times as text and out-of-range timestamps (`infinity`) as text. */
const toJs: DuckDBValueConverter<JS> = (value, type, self) => {
  if (value === null) return null;
  if (AS_STRING.has(type.typeId)) return String(value);
  if (TIMESTAMPS.has(type.typeId)) {
    try {
      return JSDuckDBValueConverter(value, type, self);
    } catch {
      return String(value);
    }
  }
  return JSDuckDBValueConverter(value, type, self);
};

/**
 * Runs a named query with its parameters bound (cast to the declared types; defaults fill the rest)
 * and reads the whole result. A script of several statements runs them in order and returns the last
 * one's result, as the DuckDB CLI does (each statement is prepared only once the ones before it ran,
 * so it may use the tables they create).
 * @throws QueryError for unknown or missing parameters, a value that does not cast, `k` below 2, or a
 * DuckDB error (named after the query).
 * @example
 * const result = await runQuery(db.connection, loadQuery('heatmap'), { res: 8, from: '2026-03-02T08:00:00Z', k: 20 });
 * process.stdout.write(formatResult(result, 'table'));
 */
export async function runQuery(conn: DuckDBConnection, q: NamedQuery, params: QueryParams): Promise<QueryResult> {
  let statements;
  try {
    statements = await conn.extractStatements(q.sql);
  } catch (cause) {
    throw wrapError(q, cause);
  }
  if (statements.count === 0) throw new QueryError(`query ${q.name} (${q.path}) holds no SQL statement`, { query: q.name, path: q.path });
  for (let i = 0; i < statements.count - 1; i++) {
    const before = await prepareAndBind(conn, q, params, () => statements.prepare(i));
    try {
      await before.run();
    } catch (cause) {
      throw wrapError(q, cause);
    } finally {
      before.destroySync();
    }
  }
  const prepared = statements.count === 1 ? await prepareQuery(conn, q, params) : await prepareAndBind(conn, q, params, () => statements.prepare(statements.count - 1));
  try {
    const reader = await prepared.runAndReadAll();
    const names = reader.columnNames();
    const types = reader.columnTypes();
    return {
      columns: names.map((name, i) => ({ name, type: types[i]!.toString() })),
      rows: reader.convertRows(toJs),
    };
  } catch (cause) {
    throw wrapError(q, cause);
  } finally {
    prepared.destroySync();
  }
}

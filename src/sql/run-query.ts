import { DuckDBTypeId, JSDuckDBValueConverter, type DuckDBConnection, type DuckDBValueConverter, type JS } from '@duckdb/node-api';
import type { NamedQuery } from './named-query.ts';
import { prepareQuery, wrapError } from './prepare-query.ts';
import type { QueryParams } from './query-params.ts';
import type { QueryResult } from './query-result.ts';

const AS_STRING = new Set<DuckDBTypeId>([DuckDBTypeId.DATE, DuckDBTypeId.TIME, DuckDBTypeId.TIME_NS, DuckDBTypeId.TIME_TZ]);
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
 * and reads the whole result.
 * @throws QueryError for unknown or missing parameters, a value that does not cast, `k` below 2, or a
 * DuckDB error (named after the query).
 * @example
 * const result = await runQuery(db.connection, loadQuery('heatmap'), { res: 8, from: '2026-03-02T08:00:00Z', k: 20 });
 * process.stdout.write(formatResult(result, 'table'));
 */
export async function runQuery(conn: DuckDBConnection, q: NamedQuery, params: QueryParams): Promise<QueryResult> {
  const prepared = await prepareQuery(conn, q, params);
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

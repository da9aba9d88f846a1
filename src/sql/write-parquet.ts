import type { DuckDBConnection } from '@duckdb/node-api';
import type { NamedQuery } from './named-query.ts';
import { prepareQuery, wrapError } from './prepare-query.ts';
import type { QueryParams } from './query-params.ts';

/**
 * Runs a named query into a Parquet file (zstd) through DuckDB's `COPY (query) TO`, parameters bound
 * as in {@link runQuery}. Types are kept: h3 stays UBIGINT, timestamps TIMESTAMPTZ.
 * The query must be a single SELECT (or WITH … SELECT). Resolves to the number of rows written.
 * @throws QueryError as runQuery does.
 */
export async function writeParquet(conn: DuckDBConnection, q: NamedQuery, params: QueryParams, path: string): Promise<number> {
  const body = selectBody(q.sql);
  // The path is a string literal in COPY (it cannot be a parameter); quotes are doubled.
  const sql = `COPY (\n${body}\n) TO '${path.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`;
  const prepared = await prepareQuery(conn, q, params, sql);
  try {
    const result = await prepared.run();
    return Number(result.rowsChanged);
  } catch (cause) {
    throw wrapError(q, cause);
  } finally {
    prepared.destroySync();
  }
}

/** The SQL without what cannot sit inside `COPY ( … )`: trailing semicolons and trailing comment lines. */
function selectBody(sql: string): string {
  let body = sql.trimEnd();
  for (;;) {
    const next = body
      .replace(/(^|\n)[ \t]*--[^\n]*$/, '')
      .replace(/;[ \t]*--[^\n]*$/, '')
      .replace(/;$/, '')
      .trimEnd();
    if (next === body) return body;
    body = next;
  }
}

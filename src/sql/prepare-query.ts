import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';
import { DEFAULT_K } from '../outputs/export/k-anonymity.ts';
import { ensureRelease } from '../privacy/duckdb/ensure-release.ts';
import { bindQueryParams } from './bind-query-params.ts';
import type { NamedQuery } from './named-query.ts';
import { QueryError } from './query-error.ts';
import type { QueryParams } from './query-params.ts';

/** Tables that exist only once loaded, and the command that loads them. */
const LOADED_TABLES: Record<string, string> = {
  zones: 'citypulse zones load',
  zone_cells: 'citypulse zones load',
  cells: 'citypulse cells load',
};

const RELEASE_TABLES = /\brelease_(elements|element_zones|meta)\b/;

/**
 * Prepares `sql` (the query's text, or a wrapper of it such as a COPY) and binds the parameters.
 * The caller destroys the statement (in `finally`).
 * @throws QueryError naming the query, with a hint when a table that has to be loaded is missing.
 */
export async function prepareQuery(conn: DuckDBConnection, q: NamedQuery, params: QueryParams, sql: string = q.sql): Promise<DuckDBPreparedStatement> {
  return prepareAndBind(conn, q, params, async () => {
    // Queries of released data read the release: an analyst database's, or one built beside raw presence.
    if (RELEASE_TABLES.test(sql)) await ensureRelease(conn, { k: DEFAULT_K, anyK: true });
    return conn.prepare(sql);
  });
}

/**
 * Runs `prepare` (a DuckDB failure becomes a QueryError naming `q`), then binds the query's parameters;
 * destroys the statement when binding fails. The caller destroys it otherwise (in `finally`).
 */
export async function prepareAndBind(conn: DuckDBConnection, q: NamedQuery, params: QueryParams, prepare: () => Promise<DuckDBPreparedStatement>): Promise<DuckDBPreparedStatement> {
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await prepare();
  } catch (cause) {
    throw wrapError(q, cause);
  }
  try {
    await bindQueryParams(conn, prepared, q, params);
    return prepared;
  } catch (err) {
    prepared.destroySync();
    throw err;
  }
}

/** A DuckDB error while preparing or running `q` → a QueryError naming the query (and a hint). */
export function wrapError(q: NamedQuery, cause: unknown): QueryError {
  if (cause instanceof QueryError) return cause;
  const message = (cause as Error).message ?? String(cause);
  const table = /Table with name (\w+) does not exist/.exec(message)?.[1];
  const hint = table && LOADED_TABLES[table] ? ` (load it with ${LOADED_TABLES[table]})` : '';
  // DuckDB failing on the query's text: not the caller's parameters (kind internal: exit 1, HTTP 500);
  // the HTTP catalogue still answers 400 for the failures it knows a client caused.
  return new QueryError(`query ${q.name} (${q.path}): ${message.split('\n')[0]}${hint}`, { kind: 'internal', query: q.name, path: q.path, cause });
}

/** Context carried by a {@link QueryError}. */
export interface QueryErrorContext {
  /** The query name. */
  query?: string;
  /** The SQL file. */
  path?: string;
  /** Parameter names involved (unknown, missing, bad value). */
  params?: string[];
  cause?: unknown;
}

/**
 * A named query that cannot be loaded, bound or run. The message names the query and what is wrong;
 * `query`, `path` and `params` say where (as Mosaic's QueryError keeps the SQL).
 */
export class QueryError extends Error {
  override name = 'QueryError';
  readonly query: string | undefined;
  readonly path: string | undefined;
  readonly params: string[];

  constructor(message: string, context: QueryErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.query = context.query;
    this.path = context.path;
    this.params = context.params ?? [];
  }
}

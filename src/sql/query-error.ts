import { CitypulseError, type ErrorKind } from '../core/citypulse-error.ts';

/** Context carried by a {@link QueryError}. */
export interface QueryErrorContext {
  /** The query name. */
  query?: string;
  /** The SQL file. */
  path?: string;
  /** Parameter names involved (unknown, missing, bad value). */
  params?: string[];
  cause?: unknown;
  /** Default `usage`: a query that cannot be loaded or bound is the caller's input; `not_found` for an unknown name. */
  kind?: ErrorKind;
}

/**
 * A named query that cannot be loaded, bound or run. The message names the query and what is wrong;
 * `query`, `path` and `params` say where (as Mosaic's QueryError keeps the SQL).
 */
export class QueryError extends CitypulseError {
  override name = 'QueryError';
  readonly query: string | undefined;
  readonly path: string | undefined;
  readonly params: string[];

  constructor(message: string, context: QueryErrorContext = {}) {
    super(message, { kind: context.kind ?? 'usage', cause: context.cause, query: context.query, path: context.path, params: context.params });
    this.query = context.query;
    this.path = context.path;
    this.params = context.params ?? [];
  }
}

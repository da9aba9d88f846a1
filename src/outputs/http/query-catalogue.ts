import type { DuckDBConnection } from '@duckdb/node-api';
import { DEFAULT_SQL_DIR, listQueries, loadQuery, QueryError, runQuery, type NamedQuery, type QueryInfo, type QueryParams } from '../../sql/index.ts';
import { ApiError } from './api-error.ts';
import { resultToJson, type JsonResult } from './result-json.ts';

const TIME_TYPES = new Set(['TIMESTAMPTZ', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE', 'DATE']);
/** DuckDB errors caused by a value the client gave (a bad cell id, an out-of-range number). */
const CLIENT_ERRORS = /(Invalid Input|Conversion|Out of Range) Error/;

/** A named query's answer: the query, the parameters it ran with, and its rows. */
export interface CatalogueAnswer extends JsonResult {
  query: string;
  params: QueryParams;
  k: number | null;
}

/**
 * The named queries of `sql/` the API may run: loaded once at start, looked up by exact name only,
 * so a request can never name a file path or bring its own SQL.
 */
export class QueryCatalogue {
  readonly #queries: Map<string, NamedQuery>;

  constructor(dir: string = DEFAULT_SQL_DIR) {
    this.#queries = new Map(listQueries(dir).map((info) => [info.name, loadQuery(info.path)]));
  }

  /** Every query without its SQL, sorted by name. */
  list(): QueryInfo[] {
    return [...this.#queries.values()].map(({ sql: _sql, path: _path, ...info }) => ({ ...info, path: `sql/${info.name}.sql` }));
  }

  /**
   * The query called `name`.
   * @throws ApiError 404 listing the available names.
   */
  get(name: string): NamedQuery {
    const q = this.#queries.get(name);
    if (!q) throw new ApiError('not_found', `unknown query ${JSON.stringify(name)} (available: ${[...this.#queries.keys()].join(', ')})`);
    return q;
  }

  /**
   * Runs `name` with the request's parameters (text, cast by DuckDB to the declared types; epoch-ms
   * digits accepted for times). A query that takes `k` runs with the server's k unless the client
   * asks for a larger one.
   * @throws ApiError 400 naming the parameter at fault, 404 for an unknown query.
   */
  async run(conn: DuckDBConnection, name: string, raw: [string, string][], serverK: number, maxRows: number): Promise<CatalogueAnswer> {
    const q = this.get(name);
    const params: QueryParams = {};
    for (const [key, value] of raw) {
      const spec = q.params.find((p) => p.name === key);
      if (!spec) {
        throw new ApiError('bad_parameter', `unknown parameter ${key} for query ${q.name} (it takes: ${q.params.map((p) => p.name).join(', ') || 'none'})`, { parameter: key });
      }
      params[key] = TIME_TYPES.has(spec.type) && /^\d{10,}$/.test(value) ? Number(value) : value;
    }
    const takesK = q.params.some((p) => p.name === 'k');
    if (takesK) {
      const k = params.k === undefined ? serverK : /^\d+$/.test(String(params.k)) ? Number(params.k) : NaN;
      if (!Number.isSafeInteger(k) || k < serverK) {
        throw new ApiError('bad_parameter', `k must be an integer ≥ ${serverK} (this server's k-anonymity threshold), got ${JSON.stringify(params.k)}`, { parameter: 'k' });
      }
      params.k = k;
    }
    try {
      const result = await runQuery(conn, q, params);
      return { query: q.name, params, k: takesK ? (params.k as number) : null, ...resultToJson(result, maxRows) };
    } catch (err) {
      throw toApiError(err, q);
    }
  }
}

/** A QueryError → 400 naming its parameter when the client's input caused it; anything else stays a server error. */
function toApiError(err: unknown, q: NamedQuery): unknown {
  if (!(err instanceof QueryError)) return err;
  const detail = err.message.replaceAll(` (${q.path})`, '').replaceAll(q.path, `sql/${q.name}.sql`);
  if (err.kind === 'not_found') return new ApiError('not_found', detail, { cause: err });
  if (err.params.length > 0) return new ApiError('bad_parameter', detail, { parameter: err.params[0]!, cause: err });
  if (CLIENT_ERRORS.test(err.message)) return new ApiError('bad_parameter', detail, { cause: err });
  return err;
}

/**
 * The named-query library: parameterised SQL files in `sql/`, loaded, bound and run against DuckDB.
 * The CLI (`citypulse sql`), jobs and notebooks all go through these functions.
 */
export { DEFAULT_SQL_DIR } from './default-sql-dir.ts';
export { formatResult, RESULT_FORMATS, type ResultFormat } from './format-result.ts';
export { jsonText } from './json-text.ts';
export { listQueries } from './list-queries.ts';
export { loadQuery } from './load-query.ts';
export type { NamedQuery, ParamSpec, QueryInfo } from './named-query.ts';
export { parseQuery } from './parse-query.ts';
export { QueryError } from './query-error.ts';
export type { QueryParams } from './query-params.ts';
export type { QueryResult, ResultColumn } from './query-result.ts';
export { runQuery } from './run-query.ts';
export { writeParquet } from './write-parquet.ts';

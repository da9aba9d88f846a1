/** Parameter values callers pass to {@link runQuery}: cast by DuckDB to each parameter's declared type. */
export type QueryParams = Record<string, string | number | boolean | null>;

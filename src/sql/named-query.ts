/** One declared parameter of a named query (`-- param: res INTEGER = 8 -- doc`). */
export interface ParamSpec {
  /** Name as used in the SQL (`$res` → `res`). */
  name: string;
  /** DuckDB type the value is cast to before binding (`INTEGER`, `TIMESTAMPTZ`, `VARCHAR`, …). */
  type: string;
  /**
   * The default as written in the header: a SQL literal (`8`, `'2000-01-01T00:00:00Z'`, `NULL`, `true`).
   * Absent: the parameter is required.
   */
  default?: string;
  /** The text after `--` on the param line. */
  doc?: string;
}

/** A parameterised SQL file with its parsed header. */
export interface NamedQuery {
  /** `-- name:`, or the file name without `.sql`. */
  name: string;
  /** `-- purpose:` (one line; continuation lines are joined). Empty when the file has none. */
  purpose: string;
  params: ParamSpec[];
  /** `-- returns:`: the result columns and types, as text. Empty when the file has none. */
  returns: string;
  /** The whole file text (header included; DuckDB skips comments). */
  sql: string;
  /** Where it was read from (`<stdin>` for SQL read from standard input). */
  path: string;
}

/** What {@link listQueries} reports: a query without its SQL text. */
export type QueryInfo = Omit<NamedQuery, 'sql'>;

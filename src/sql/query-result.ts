/** One result column: its name and DuckDB type (`INTEGER`, `UBIGINT`, `TIMESTAMP WITH TIME ZONE`, `VARCHAR[]`, …). */
export interface ResultColumn {
  name: string;
  type: string;
}

/**
 * A materialised query result. Row values are JS values: number for 8–32-bit integers and floats
 * (DECIMAL too), bigint for 64-bit and wider integers, string for VARCHAR/JSON/UUID/ENUM, boolean,
 * Date for TIMESTAMP/TIMESTAMPTZ (a string such as `infinity` when a Date cannot hold it), string
 * `YYYY-MM-DD` for DATE and `HH:MM:SS[.ffffff]` for TIME, arrays for LIST/ARRAY, plain objects for
 * STRUCT, `{key, value}[]` for MAP, Uint8Array for BLOB, null for NULL.
 */
export interface QueryResult {
  columns: ResultColumn[];
  rows: unknown[][];
}

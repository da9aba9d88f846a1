import { DuckDBScalarFunction } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { H3ScalarFunction } from './h3-scalar-function.ts';
import { hierarchyFunctions } from './hierarchy.ts';
import { indexingFunctions } from './indexing.ts';
import { inspectionFunctions } from './inspection.ts';
import { miscFunctions } from './misc.ts';
import { regionsFunctions } from './regions.ts';
import { traversalFunctions } from './traversal.ts';

/**
 * Every overload, grouped as the extension's test files group them. A name
 * appears once per signature: UBIGINT, BIGINT and VARCHAR cells each get
 * their own overload and DuckDB resolves between them by argument type.
 */
export const H3_FUNCTIONS: readonly H3ScalarFunction[] = [
  ...indexingFunctions,
  ...hierarchyFunctions,
  ...inspectionFunctions,
  ...miscFunctions,
  ...traversalFunctions,
  ...regionsFunctions,
];

/** Distinct SQL names registered by {@link registerH3Functions}, sorted. */
export const H3_FUNCTION_NAMES: readonly string[] = [...new Set(H3_FUNCTIONS.map((f) => f.name))].sort();

/**
 * Registers the H3 functions of DuckDB's community `h3` extension
 * (`h3_latlng_to_cell`, `h3_cell_to_parent`, `h3_grid_disk`, …) on a
 * connection, implemented with h3-js, so SQL written for the extension runs
 * unchanged. Functions land in the database's catalog: every connection of
 * the same instance sees them. Call once per instance.
 *
 * Overloading works by registering one scalar function per signature under
 * the same name (DuckDB's C API merges them into one function set).
 *
 * @example
 * const connection = await (await DuckDBInstance.create(':memory:')).connect();
 * registerH3Functions(connection);
 * await connection.runAndReadAll("SELECT h3_latlng_to_cell_string(37.775, -122.418, 9)"); // 8928308280fffff
 */
export function registerH3Functions(connection: Pick<DuckDBConnection, 'registerScalarFunction'>): void {
  for (const fn of H3_FUNCTIONS) {
    connection.registerScalarFunction(
      DuckDBScalarFunction.create({
        name: fn.name,
        parameterTypes: fn.parameterTypes,
        returnType: fn.returnType,
        mainFunction: fn.main,
      }),
    );
  }
}

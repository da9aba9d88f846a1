import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseSqlLogicTest } from './parse-sql-logic-test.ts';
import { runSqlLogicTest } from './run-sql-logic-test.ts';
import type { SqlLogicTestFileResult } from './run-sql-logic-test.ts';
import type { SqlLogicTestRecord } from './sql-logic-test-record.ts';
import { H3_FUNCTION_NAMES, registerH3Functions } from '../../../src/h3-sql/register.ts';

/** The DuckDB h3 extension's test files, by function family. */
export const H3_CONFORMANCE_FILES = [
  'h3_functions_indexing.test',
  'h3_functions_hierarchy.test',
  'h3_functions_inspection.test',
  'h3_functions_misc.test',
  'h3_functions_traversal.test',
  'h3_functions_regions.test',
] as const;
export type H3ConformanceFile = (typeof H3_CONFORMANCE_FILES)[number];

/** Reads and parses one of the extension's test files from `directory`. */
export async function readH3ConformanceFile(directory: string, file: string): Promise<SqlLogicTestRecord[]> {
  return parseSqlLogicTest(await readFile(join(directory, file), 'utf8'), file);
}

/**
 * Runs parsed records of an h3 extension test file against a fresh in-memory
 * DuckDB with {@link registerH3Functions} applied (`require h3` is satisfied
 * by it). Cases calling an `h3_*` function that is not registered count as
 * not run. The database is closed before returning.
 */
export async function runH3ConformanceRecords(records: readonly SqlLogicTestRecord[]): Promise<SqlLogicTestFileResult> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    registerH3Functions(connection);
    return await runSqlLogicTest(connection, records, {
      satisfiedRequires: ['h3'],
      functionPrefix: 'h3_',
      availableFunctions: new Set(H3_FUNCTION_NAMES),
    });
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

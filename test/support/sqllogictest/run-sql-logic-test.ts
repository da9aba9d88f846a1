import type { DuckDBConnection } from '@duckdb/node-api';
import { compareQueryResult } from './compare-query-result.ts';
import { findCreatedNames, findFunctionCalls, mentionsName } from './find-function-calls.ts';
import type { QueryRecord, SqlLogicTestCase, SqlLogicTestRecord, StatementRecord } from './sql-logic-test-record.ts';

/** The part of a DuckDB connection the runner uses. */
export type SqlLogicTestConnection = Pick<DuckDBConnection, 'run' | 'runAndReadAll'>;

/** Settings of {@link runSqlLogicTest}. */
export interface SqlLogicTestConfig {
  /** Arguments of `require` lines that are satisfied (e.g. `['h3']`). Default: none, so `require x` skips every later case. */
  readonly satisfiedRequires?: readonly string[];
  /**
   * Prefix of the functions that decide whether a case can run (e.g. `'h3_'`).
   * A case calling a function with this prefix that is not available is
   * counted as not run rather than failed. Default: none (every case runs).
   */
  readonly functionPrefix?: string;
  /**
   * Available function names (lower case) under `functionPrefix`. Default:
   * read from `duckdb_functions()` on the connection before running.
   */
  readonly availableFunctions?: ReadonlySet<string>;
  /** Engine name matched by `skipif`/`onlyif`. Default `'duckdb'`. */
  readonly engine?: string;
}

/** Outcomes of a case: it ran and matched, ran and did not, or was not run (see `message`). */
export const CASE_STATUSES = ['passed', 'failed', 'not-run'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The outcome of one `statement` or `query` record. */
export interface SqlLogicTestCaseResult {
  readonly line: number;
  readonly kind: SqlLogicTestCase['kind'];
  readonly sql: string;
  readonly status: CaseStatus;
  /** Functions under the prefix that the case needs and that are missing (its own or those of a statement it depends on). */
  readonly missingFunctions: readonly string[];
  /** Why the case failed or did not run. */
  readonly message?: string;
  /** True when a floating-point value matched only within DuckDB's 1% tolerance. */
  readonly approximate?: boolean;
}

/** All case outcomes of one file, plus notes on commands the runner ignored. */
export interface SqlLogicTestFileResult {
  readonly cases: readonly SqlLogicTestCaseResult[];
  readonly notes: readonly string[];
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Functions under `prefix` registered in the connection's catalog, lower case. */
export async function listFunctions(connection: SqlLogicTestConnection, prefix: string): Promise<Set<string>> {
  const reader = await connection.runAndReadAll(
    'SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE starts_with(lower(function_name), $1)',
    [prefix.toLowerCase()],
  );
  return new Set(reader.getRows().map((row) => String(row[0])));
}

async function runStatement(connection: SqlLogicTestConnection, record: StatementRecord): Promise<Partial<SqlLogicTestCaseResult>> {
  let error: string | undefined;
  try {
    await connection.run(record.sql);
  } catch (caught) {
    error = errorMessage(caught);
  }
  if (record.expect === 'maybe') {
    return { status: 'passed' };
  }
  if (record.expect === 'ok') {
    return error === undefined ? { status: 'passed' } : { status: 'failed', message: `unexpected error: ${error}` };
  }
  if (error === undefined) {
    return { status: 'failed', message: 'statement succeeded, an error was expected' };
  }
  if (!error.includes(record.expectedError)) {
    return { status: 'failed', message: `error differs:\n  actual:   ${error}\n  expected: ${record.expectedError}` };
  }
  return { status: 'passed' };
}

async function runQuery(connection: SqlLogicTestConnection, record: QueryRecord): Promise<Partial<SqlLogicTestCaseResult>> {
  let comparison;
  try {
    const reader = await connection.runAndReadAll(record.sql);
    comparison = compareQueryResult(record, reader.columnTypes(), reader.getRows());
  } catch (caught) {
    return { status: 'failed', message: `query failed: ${errorMessage(caught)}` };
  }
  return comparison.ok
    ? { status: 'passed', approximate: comparison.approximate }
    : { status: 'failed', message: comparison.message };
}

/**
 * Runs parsed sqllogictest records in order against one connection (cases
 * share state: tables created by a statement are seen by later queries).
 *
 * A case is not run when a `require` before it is unsatisfied, `mode skip`
 * is on, `halt` was reached, a `skipif`/`onlyif` excludes the engine, it
 * calls a function under `functionPrefix` that is not available, or it
 * mentions a table/view created by a statement that was not run. Commands
 * other than `require`, `mode` and `halt` are ignored and listed in `notes`.
 */
export async function runSqlLogicTest(
  connection: SqlLogicTestConnection,
  records: readonly SqlLogicTestRecord[],
  config: SqlLogicTestConfig = {},
): Promise<SqlLogicTestFileResult> {
  const engine = config.engine ?? 'duckdb';
  const prefix = config.functionPrefix;
  const available =
    prefix === undefined ? new Set<string>() : (config.availableFunctions ?? (await listFunctions(connection, prefix)));
  const satisfied = new Set(config.satisfiedRequires ?? []);
  const notRunCreates = new Map<string, readonly string[]>();
  const cases: SqlLogicTestCaseResult[] = [];
  const notes: string[] = [];
  let skipReason: string | undefined;
  let skipMode = false;

  for (const record of records) {
    if (record.kind === 'command') {
      const argument = record.args.join(' ');
      if (record.command === 'require') {
        if (!satisfied.has(argument)) skipReason ??= `require ${argument} (line ${record.line}) not satisfied`;
      } else if (record.command === 'mode' && (argument === 'skip' || argument === 'unskip')) {
        skipMode = argument === 'skip';
      } else if (record.command === 'halt') {
        skipReason ??= `halt at line ${record.line}`;
      } else if (record.command !== 'mode') {
        notes.push(`line ${record.line}: ignored command "${[record.command, ...record.args].join(' ')}"`);
      }
      continue;
    }

    const base = { line: record.line, kind: record.kind, sql: record.sql };
    const excluded = record.conditions.find((c) => (c.kind === 'skipif') === (c.engine === engine));
    const missing = new Set(prefix === undefined ? [] : findFunctionCalls(record.sql, prefix).filter((f) => !available.has(f)));
    const dependencies: string[] = [];
    for (const [name, functions] of notRunCreates) {
      if (mentionsName(record.sql, name)) {
        dependencies.push(name);
        for (const f of functions) missing.add(f);
      }
    }
    const missingFunctions = [...missing].sort();

    let reason: string | undefined;
    if (skipReason !== undefined) reason = skipReason;
    else if (skipMode) reason = 'mode skip';
    else if (excluded !== undefined) reason = `${excluded.kind} ${excluded.engine}`;
    else if (dependencies.length > 0) reason = `depends on ${dependencies.join(', ')}, created by a statement that did not run`;
    else if (missingFunctions.length > 0) reason = `missing ${missingFunctions.join(', ')}`;

    if (reason !== undefined) {
      cases.push({ ...base, status: 'not-run', missingFunctions, message: reason });
      for (const name of record.kind === 'statement' ? findCreatedNames(record.sql) : []) {
        notRunCreates.set(name, missingFunctions);
      }
      continue;
    }
    const outcome = record.kind === 'statement' ? await runStatement(connection, record) : await runQuery(connection, record);
    cases.push({ ...base, missingFunctions, status: outcome.status ?? 'failed', ...outcome });
  }
  return { cases, notes };
}

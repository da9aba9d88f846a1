import { createHash } from 'node:crypto';
import { DuckDBTypeId } from '@duckdb/node-api';
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import { formatDuckDBValue } from './format-duckdb-value.ts';
import type { QueryRecord } from './sql-logic-test-record.ts';

/** Outcome of checking a query result against a `query` record. */
export type QueryComparison =
  | { readonly ok: true; /** some value matched only within the floating-point tolerance */ readonly approximate: boolean }
  | { readonly ok: false; readonly message: string };

const INTEGER_TYPES: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

const HASH_LINE = /^\d+ values hashing to [0-9a-f]{32}$/;

function parseDouble(text: string): number | undefined {
  const lower = text.trim().toLowerCase();
  if (lower === 'nan' || lower === '-nan') return NaN;
  if (lower === 'inf' || lower === 'infinity' || lower === '+inf') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (lower === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(lower)) return undefined;
  return Number(lower);
}

/** DuckDB's `ApproxEqual` for doubles: within 1% of the expected value plus 1e-8. */
function approxEqual(actual: number, expected: number): boolean {
  if (Number.isNaN(actual) && Number.isNaN(expected)) return true;
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return actual === expected;
  return Math.abs(actual - expected) <= Math.abs(expected) * 0.01 + 0.00000001;
}

/**
 * DuckDB's `TestResultHelper::CompareValues`: equal text passes; otherwise
 * numeric columns compare as numbers of the column type (doubles within
 * DuckDB's tolerance), boolean columns accept `true`/`1` and `false`/`0`,
 * and anything else fails.
 */
function compareValue(actual: string, expected: string, type: DuckDBType): 'exact' | 'approximate' | 'different' {
  if (actual === expected) return 'exact';
  if (actual === 'NULL' || expected === 'NULL') return 'different';
  const typeId = type.typeId;
  if (typeId === DuckDBTypeId.DOUBLE || typeId === DuckDBTypeId.FLOAT) {
    const a = parseDouble(actual);
    const e = parseDouble(expected);
    if (a === undefined || e === undefined) return 'different';
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) return 'exact';
    return approxEqual(a, e) ? 'approximate' : 'different';
  }
  if (INTEGER_TYPES.has(typeId)) {
    const integer = /^[+-]?\d+$/;
    if (integer.test(actual.trim()) && integer.test(expected.trim())) {
      return BigInt(actual.trim()) === BigInt(expected.trim()) ? 'exact' : 'different';
    }
    const a = parseDouble(actual);
    const e = parseDouble(expected);
    return a !== undefined && e !== undefined && Math.round(a) === Math.round(e) ? 'exact' : 'different';
  }
  if (typeId === DuckDBTypeId.DECIMAL) {
    const a = parseDouble(actual);
    const e = parseDouble(expected);
    return a !== undefined && e !== undefined && a.toFixed(type.scale) === e.toFixed(type.scale) ? 'exact' : 'different';
  }
  if (typeId === DuckDBTypeId.BOOLEAN) {
    const truth = (text: string): boolean | undefined => {
      const lower = text.toLowerCase();
      return lower === 'true' || text === '1' ? true : lower === 'false' || text === '0' ? false : undefined;
    };
    const a = truth(actual);
    return a !== undefined && a === truth(expected) ? 'exact' : 'different';
  }
  return 'different';
}

/** The runner's text for a value: its VARCHAR cast, `NULL`, or `(empty)` for ''. */
function resultText(value: DuckDBValue, type: DuckDBType): string {
  const text = formatDuckDBValue(value, type);
  return text === '' ? '(empty)' : text;
}

function compareLines(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}

/**
 * Checks a query's result against a `query` record the way DuckDB's
 * sqllogictest runner does: values formatted as their VARCHAR cast, sorted
 * per the record's sort mode, compared row-wise (tab-separated lines) or
 * value-wise (one value per line), or as an MD5 hash line.
 */
export function compareQueryResult(
  record: QueryRecord,
  types: readonly DuckDBType[],
  rows: readonly (readonly DuckDBValue[])[],
): QueryComparison {
  const columnCount = types.length;
  let resultRows = rows.map((row) => row.map((value, column) => resultText(value, types[column]!)));
  if (record.sortMode === 'rowsort') {
    resultRows = resultRows.sort(compareLines);
  }
  let values = resultRows.flat();
  if (record.sortMode === 'valuesort') {
    values = values.sort();
  }

  const expected = record.expected;
  if (expected.length === 1 && HASH_LINE.test(expected[0]!)) {
    const md5 = createHash('md5');
    for (const value of values) md5.update(value + '\n');
    const actual = `${values.length} values hashing to ${md5.digest('hex')}`;
    return actual === expected[0] ? { ok: true, approximate: false } : { ok: false, message: `hash mismatch: ${actual}` };
  }
  if (record.columnTypes.length !== columnCount) {
    return { ok: false, message: `expected ${record.columnTypes.length} column(s), query returned ${columnCount}` };
  }

  const rowWise =
    (columnCount > 1 && expected.length === rows.length) || (expected.length > 0 && expected.every((l) => l.includes('\t')));
  let expectedValues: string[];
  if (rowWise) {
    expectedValues = [];
    for (const [index, line] of expected.entries()) {
      const parts = line.split('\t');
      if (parts.length !== columnCount) {
        return { ok: false, message: `expected row ${index + 1} has ${parts.length} value(s), query returned ${columnCount}` };
      }
      expectedValues.push(...parts);
    }
  } else {
    expectedValues = [...expected];
  }
  if (expectedValues.length !== values.length) {
    const expectedRows = expectedValues.length / columnCount;
    return {
      ok: false,
      message: `expected ${expectedRows} row(s), query returned ${rows.length}:\n${resultRows.map((r) => r.join('\t')).join('\n')}`,
    };
  }

  let approximate = false;
  for (let i = 0; i < values.length; i++) {
    const column = i % columnCount;
    const outcome = compareValue(values[i]!, expectedValues[i]!, types[column]!);
    if (outcome === 'different') {
      const row = Math.floor(i / columnCount) + 1;
      return {
        ok: false,
        message: `mismatch at row ${row}, column ${column + 1} (${types[column]!.toString()}):\n  actual:   ${values[i]}\n  expected: ${expectedValues[i]}`,
      };
    }
    approximate ||= outcome === 'approximate';
  }
  return { ok: true, approximate };
}

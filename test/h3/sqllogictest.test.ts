import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFunctionCalls } from '../support/sqllogictest/find-function-calls.ts';
import { formatDuckDBValue } from '../support/sqllogictest/format-duckdb-value.ts';
import { parseSqlLogicTest } from '../support/sqllogictest/parse-sql-logic-test.ts';
import { runSqlLogicTest } from '../support/sqllogictest/run-sql-logic-test.ts';

const SAMPLE = `# name: sample.test
# group: [sample]

require h3

statement ok
CREATE TABLE t AS SELECT * FROM (VALUES (1, 'a'), (2, NULL)) v(i, s);

query IT
SELECT i, s FROM t ORDER BY i
----
1	a
2	NULL

query I rowsort
SELECT i FROM t
----
1
2

statement error
SELECT * FROM missing_table
----
Catalog Error: Table with name missing_table does not exist

skipif duckdb
query I
SELECT 1
----
2
`;

describe('parseSqlLogicTest', () => {
  it('reads statements, queries, commands, conditions and expected output with their lines', () => {
    const records = parseSqlLogicTest(SAMPLE, 'sample.test');
    expect(records.map((r) => [r.kind, r.line])).toEqual([
      ['command', 4],
      ['statement', 6],
      ['query', 9],
      ['query', 15],
      ['statement', 21],
      ['query', 27],
    ]);
    expect(records[2]).toMatchObject({ columnTypes: 'IT', sortMode: 'nosort', expected: ['1\ta', '2\tNULL'] });
    expect(records[3]).toMatchObject({ sortMode: 'rowsort', sql: 'SELECT i FROM t' });
    expect(records[4]).toMatchObject({ expect: 'error', expectedError: 'Catalog Error: Table with name missing_table does not exist' });
    expect(records[5]!.conditions).toEqual([{ kind: 'skipif', engine: 'duckdb' }]);
  });

  it('rejects a statement without ok/error', () => {
    expect(() => parseSqlLogicTest('statement\nSELECT 1\n', 'bad.test')).toThrow(/bad.test:1: statement needs ok/);
  });
});

describe('findFunctionCalls', () => {
  it('finds prefixed calls outside strings and comments', () => {
    const sql = `-- h3_in_comment(1)
      SELECT H3_Grid_Disk(h3_latlng_to_cell(0, 0, 5), 1), 'h3_in_string(2)', x.h3_not_a_call, h3_cell_to_parent (c, 1)`;
    expect(findFunctionCalls(sql, 'h3_')).toEqual(['h3_cell_to_parent', 'h3_grid_disk', 'h3_latlng_to_cell']);
  });
});

describe('runSqlLogicTest', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it('runs cases in order and reports passed, failed and excluded cases', async () => {
    const result = await runSqlLogicTest(connection, parseSqlLogicTest(SAMPLE), { satisfiedRequires: ['h3'] });
    expect(result.cases.map((c) => [c.line, c.status])).toEqual([
      [6, 'passed'],
      [9, 'passed'],
      [15, 'passed'],
      [21, 'passed'],
      [27, 'not-run'],
    ]);
  });

  it('does not run cases needing missing functions, nor cases depending on a statement that did not run', async () => {
    const text = `statement ok
CREATE TABLE cells AS SELECT h3_missing(1) AS c

query I
SELECT count(*) FROM cells
----
1

query I
SELECT 41 + 1
----
42

query I
SELECT 1.0::DOUBLE / 3
----
0.3334

query T
SELECT 'x'
----
y
`;
    const result = await runSqlLogicTest(connection, parseSqlLogicTest(text), {
      functionPrefix: 'h3_',
      availableFunctions: new Set(),
    });
    expect(result.cases.map((c) => [c.line, c.status, c.missingFunctions])).toEqual([
      [1, 'not-run', ['h3_missing']],
      [4, 'not-run', ['h3_missing']],
      [9, 'passed', []],
      [14, 'passed', []],
      [19, 'failed', []],
    ]);
    expect(result.cases[3]!.approximate).toBe(true); // DuckDB's runner accepts doubles within 1%
    expect(result.cases[4]!.message).toContain('actual:   x');
  });

  it('skips everything after an unsatisfied require', async () => {
    const result = await runSqlLogicTest(connection, parseSqlLogicTest('require spatial\n\nquery I\nSELECT 1\n----\n1\n'));
    expect(result.cases[0]).toMatchObject({ status: 'not-run', message: 'require spatial (line 1) not satisfied' });
  });

  it('compares booleans as true/false or 1/0, and checks hash results', async () => {
    const text = `query I
SELECT true
----
1

query I
SELECT * FROM range(3)
----
3 values hashing to ${'0'.repeat(32)}
`;
    const result = await runSqlLogicTest(connection, parseSqlLogicTest(text));
    expect(result.cases[0]!.status).toBe('passed');
    expect(result.cases[1]!.message).toMatch(/^hash mismatch: 3 values hashing to [0-9a-f]{32}$/);
  });
});

describe('formatDuckDBValue', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  // Each expression is read both as a value (formatted by us) and as DuckDB's own VARCHAR cast.
  const expressions = [
    '1.5::DOUBLE',
    '2::DOUBLE',
    '1e15::DOUBLE',
    '1e16::DOUBLE',
    '123456789012345678::DOUBLE',
    '0.0001::DOUBLE',
    '0.00001::DOUBLE',
    '-0.1::DOUBLE / 3',
    "'nan'::DOUBLE",
    "'-inf'::DOUBLE",
    '0.1::FLOAT',
    '16777217::FLOAT',
    '3.4e38::FLOAT',
    '-42::BIGINT',
    '18446744073709551615::UBIGINT',
    'true',
    "'plain'",
    "[1, 2, NULL]",
    "[[1.5, 2.0], []]::DOUBLE[][]",
    "['a b', '', ' x', 'y ', 'NULL', 'null', 'q''r', 'a,b', '[x]', 'k:v', 'k=v', '{', 'é', NULL]",
    "{'a': 1, 'b c': 'x y', 'd': ['e', '']}",
    "MAP {'k': 1.5::DOUBLE}",
    '[1.5::DECIMAL(4,2)]',
  ];

  it('matches DuckDB’s CAST(... AS VARCHAR) text', async () => {
    for (const expression of expressions) {
      const reader = await connection.runAndReadAll(`SELECT ${expression} AS v, CAST(${expression} AS VARCHAR) AS text`);
      const [value, text] = reader.getRows()[0]!;
      expect(formatDuckDBValue(value!, reader.columnTypes()[0]!), expression).toBe(text);
    }
  });

  it('matches DuckDB for random doubles across magnitudes', async () => {
    let seed = 12345;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const values = Array.from({ length: 300 }, () => (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20));
    const reader = await connection.runAndReadAll(
      `SELECT v, v::VARCHAR FROM (SELECT unnest([${values.map((v) => `${v}::DOUBLE`).join(', ')}]) AS v)`,
    );
    for (const [value, text] of reader.getRows()) {
      expect(formatDuckDBValue(value!, reader.columnTypes()[0]!)).toBe(text);
    }
  });
});

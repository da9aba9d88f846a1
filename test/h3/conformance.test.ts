/**
 * Runs DuckDB's community h3 extension test files (sqllogictest) against our
 * h3-js UDFs: one vitest test per `statement`/`query` case, named after the
 * file and line. The files stay where the conformance README puts them
 * (../shared/conformance/h3-duckdb next to the repo; H3_CONFORMANCE_DIR
 * overrides) and are never copied here.
 *
 * The per-file summary is printed and written to test/h3/out/h3-conformance.txt.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { H3_CONFORMANCE_FILES, runH3ConformanceRecords } from '../support/sqllogictest/run-h3-conformance.ts';
import type { H3ConformanceFile } from '../support/sqllogictest/run-h3-conformance.ts';
import { parseSqlLogicTest } from '../support/sqllogictest/parse-sql-logic-test.ts';
import type { SqlLogicTestFileResult } from '../support/sqllogictest/run-sql-logic-test.ts';
import { formatSummaryTable, summarizeSqlLogicTest } from '../support/sqllogictest/summarize-sql-logic-test.ts';
import type { SqlLogicTestSummary } from '../support/sqllogictest/summarize-sql-logic-test.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const conformanceDir = resolve(process.env.H3_CONFORMANCE_DIR ?? resolve(repoRoot, '../shared/conformance/h3-duckdb'));
const summaryFile = join(here, 'out', 'h3-conformance.txt');

/** Files whose every case must run and pass; regions is best effort (polygon support). */
const REQUIRED: ReadonlySet<H3ConformanceFile> = new Set([
  'h3_functions_indexing.test',
  'h3_functions_hierarchy.test',
  'h3_functions_inspection.test',
  'h3_functions_misc.test',
  'h3_functions_traversal.test',
]);

const summaries = new Map<H3ConformanceFile, SqlLogicTestSummary>();

afterAll(async () => {
  const ordered = H3_CONFORMANCE_FILES.flatMap((file) => summaries.get(file) ?? []);
  if (ordered.length === 0) return;
  const table = formatSummaryTable(ordered);
  console.log(`\nDuckDB h3 extension conformance (${conformanceDir})\n${table}`);
  if (ordered.length === H3_CONFORMANCE_FILES.length) {
    await mkdir(dirname(summaryFile), { recursive: true });
    await writeFile(summaryFile, table);
  }
});

function firstLine(sql: string): string {
  const line = sql.split('\n').find((l) => !l.trim().startsWith('--')) ?? sql;
  return line.length > 90 ? line.slice(0, 87) + '...' : line;
}

for (const file of H3_CONFORMANCE_FILES) {
  const records = parseSqlLogicTest(readFileSync(join(conformanceDir, file), 'utf8'), file);

  describe(file, () => {
    let result: SqlLogicTestFileResult;

    beforeAll(async () => {
      result = await runH3ConformanceRecords(records);
      summaries.set(file, summarizeSqlLogicTest(file, result));
    });

    for (const record of records) {
      if (record.kind === 'command') continue;
      it(`${file}:${record.line} ${record.kind} ${firstLine(record.sql)}`, (context) => {
        const outcome = result.cases.find((c) => c.line === record.line);
        expect(outcome, 'case was not executed by the runner').toBeDefined();
        if (outcome!.status === 'not-run' && !REQUIRED.has(file)) {
          context.skip(`not run: ${outcome!.message}`);
        }
        expect(outcome!.status, `${file}:${record.line}: ${outcome!.message ?? ''}`).toBe('passed');
      });
    }
  });
}

/**
 * Runs the DuckDB h3 extension's sqllogictest files against our h3-js UDFs
 * and prints the per-file table (file, cases, ran, passed, failed, not run).
 *
 *   node scripts/h3-conformance.ts [--verbose] [directory]
 *
 * `directory` defaults to ../shared/conformance/h3-duckdb next to the repo
 * (or H3_CONFORMANCE_DIR). `--verbose` also lists every failed or not-run
 * case with its reason. Exits 1 when a case that ran failed.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  H3_CONFORMANCE_FILES,
  readH3ConformanceFile,
  runH3ConformanceRecords,
} from '../test/support/sqllogictest/run-h3-conformance.ts';
import { formatSummaryTable, summarizeSqlLogicTest } from '../test/support/sqllogictest/summarize-sql-logic-test.ts';
import type { SqlLogicTestSummary } from '../test/support/sqllogictest/summarize-sql-logic-test.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const directory = resolve(
  args.find((a) => !a.startsWith('--')) ??
    process.env.H3_CONFORMANCE_DIR ??
    resolve(repoRoot, '../shared/conformance/h3-duckdb'),
);

const summaries: SqlLogicTestSummary[] = [];
for (const file of H3_CONFORMANCE_FILES) {
  const result = await runH3ConformanceRecords(await readH3ConformanceFile(directory, file));
  summaries.push(summarizeSqlLogicTest(file, result));
  if (verbose) {
    for (const outcome of result.cases.filter((c) => c.status !== 'passed')) {
      process.stdout.write(`${file}:${outcome.line} ${outcome.status}: ${outcome.message ?? ''}\n`);
    }
  }
}
process.stdout.write(formatSummaryTable(summaries));
process.exitCode = summaries.some((s) => s.failed > 0) ? 1 : 0;

import type { SqlLogicTestFileResult } from './run-sql-logic-test.ts';

/** Counts for one file: how many cases ran, passed, failed, and which functions kept the others from running. */
export interface SqlLogicTestSummary {
  readonly file: string;
  readonly cases: number;
  readonly ran: number;
  readonly passed: number;
  readonly failed: number;
  readonly notRun: number;
  /** Passed cases where a float matched only within DuckDB's tolerance. */
  readonly approximate: number;
  /** Missing function → number of cases it kept from running. */
  readonly missingFunctions: ReadonlyMap<string, number>;
}

/** Counts a file's case outcomes. */
export function summarizeSqlLogicTest(file: string, result: SqlLogicTestFileResult): SqlLogicTestSummary {
  const missingFunctions = new Map<string, number>();
  let passed = 0;
  let failed = 0;
  let notRun = 0;
  let approximate = 0;
  for (const outcome of result.cases) {
    if (outcome.status === 'passed') {
      passed++;
      if (outcome.approximate) approximate++;
    } else if (outcome.status === 'failed') {
      failed++;
    } else {
      notRun++;
      for (const name of outcome.missingFunctions) missingFunctions.set(name, (missingFunctions.get(name) ?? 0) + 1);
    }
  }
  const cases = result.cases.length;
  return { file, cases, ran: cases - notRun, passed, failed, notRun, approximate, missingFunctions };
}

/**
 * A plain-text table of summaries with a total row, plus per-file lines
 * naming approximate passes and the missing functions. Deterministic, so it can be kept as a golden file.
 */
export function formatSummaryTable(summaries: readonly SqlLogicTestSummary[]): string {
  const header = ['file', 'cases', 'ran', 'passed', 'failed', 'not run'];
  const total = summaries.reduce(
    (sum, s) => [sum[0]! + s.cases, sum[1]! + s.ran, sum[2]! + s.passed, sum[3]! + s.failed, sum[4]! + s.notRun],
    [0, 0, 0, 0, 0],
  );
  const rows = [
    ...summaries.map((s) => [s.file, s.cases, s.ran, s.passed, s.failed, s.notRun].map(String)),
    ['total', ...total.map(String)],
  ];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  for (const s of summaries) {
    if (s.approximate > 0) {
      out.push(`${s.file}: ${s.approximate} passed only within DuckDB's floating-point tolerance (1%)`);
    }
    if (s.missingFunctions.size > 0) {
      const missing = [...s.missingFunctions].map(([name, count]) => `${name} (${count})`).join(', ');
      out.push(`${s.file}: not run for missing ${missing}`);
    }
  }
  return out.join('\n') + '\n';
}

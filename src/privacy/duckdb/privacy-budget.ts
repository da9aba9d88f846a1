import type { DuckDBConnection } from '@duckdb/node-api';

/** One UTC day's differential-privacy spending. */
export interface BudgetRow {
  day: string;
  releases: number;
  windows: number;
  epsilon: number;
}

const DDL = `CREATE TABLE IF NOT EXISTS privacy_budget (
  released_at  TIMESTAMPTZ NOT NULL,
  day          DATE        NOT NULL,
  windows      INTEGER     NOT NULL,
  epsilon      DOUBLE      NOT NULL
)`;

/**
 * Records the ε spent by a DP release in the raw database's `privacy_budget`: per UTC day, ε per
 * window × windows released (sequential composition: each window is a separate ε-DP release of the
 * same people; releasing the same window twice spends twice).
 */
export async function recordBudget(conn: DuckDBConnection, windowStarts: number[], epsilonPerWindow: number): Promise<void> {
  await conn.run(DDL);
  const perDay = new Map<string, number>();
  for (const ws of windowStarts) {
    const day = new Date(ws).toISOString().slice(0, 10);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  for (const [day, windows] of perDay) {
    await conn.run('INSERT INTO privacy_budget VALUES (now(), $day::DATE, $windows, $eps)', { day, windows, eps: windows * epsilonPerWindow });
  }
}

/** ε spent per day, oldest first (empty when no DP release was made). */
export async function readBudget(conn: DuckDBConnection): Promise<BudgetRow[]> {
  const exists = (await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name = 'privacy_budget'`)).getRowsJS()[0]![0];
  if (!exists) return [];
  const rows = (await conn.runAndReadAll(`SELECT strftime(day, '%Y-%m-%d'), count(*)::INTEGER, sum(windows)::INTEGER, sum(epsilon) FROM privacy_budget GROUP BY day ORDER BY day`)).getRowsJS();
  return rows.map(([day, releases, windows, epsilon]) => ({ day: day as string, releases: releases as number, windows: windows as number, epsilon: epsilon as number }));
}

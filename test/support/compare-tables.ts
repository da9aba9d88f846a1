import { DuckDBInstance } from '@duckdb/node-api';

/** Tables that describe a run rather than its results (ids, wall-clock times, signatures). */
const RUN_TABLES = new Set(['ingest_runs', 'ingest_sources', 'db_meta', 'ledger', 'ledger_heads', 'ledger_meta']);

/**
 * Compares every result table of two citypulse databases as multisets (a table's `ingested_at`
 * column left out). `sums` gives, per table whose rows may come as partials (e.g. `od_h3_hourly`
 * per partition or worker), the query that sums them; `{T}` stands for the table. Returns, per
 * table, the rows only in a, only in b, and the row counts of each.
 */
export async function compareTables(a: string, b: string, sums: Record<string, string> = {}): Promise<Record<string, { onlyA: number; onlyB: number; rowsA: number; rowsB: number }>> {
  const inst = await DuckDBInstance.create(':memory:');
  const c = await inst.connect();
  try {
    await c.run(`ATTACH '${a}' AS a (READ_ONLY); ATTACH '${b}' AS b (READ_ONLY)`);
    const tables = (await c.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE database_name = 'a' ORDER BY 1`)).getRowsJS().map((r) => String(r[0]));
    const out: Record<string, { onlyA: number; onlyB: number; rowsA: number; rowsB: number }> = {};
    for (const t of tables) {
      if (RUN_TABLES.has(t)) continue;
      const cols = (await c.runAndReadAll(`SELECT column_name FROM duckdb_columns() WHERE database_name = 'a' AND table_name = '${t}'`)).getRowsJS().map((r) => String(r[0]));
      const q = (db: string) => sums[t]?.replaceAll('{T}', `${db}.${t}`) ?? `SELECT *${cols.includes('ingested_at') ? ' EXCLUDE (ingested_at)' : ''} FROM ${db}.${t}`;
      const [[onlyA, onlyB, rowsA, rowsB]] = (await c.runAndReadAll(
        `SELECT (SELECT count(*) FROM (${q('a')} EXCEPT ALL ${q('b')})), (SELECT count(*) FROM (${q('b')} EXCEPT ALL ${q('a')})), (SELECT count(*) FROM a.${t}), (SELECT count(*) FROM b.${t})`,
      )).getRowsJS() as [[bigint, bigint, bigint, bigint]];
      out[t] = { onlyA: Number(onlyA), onlyB: Number(onlyB), rowsA: Number(rowsA), rowsB: Number(rowsB) };
    }
    return out;
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

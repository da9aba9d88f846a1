import { readFileSync, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import type { TaskReport } from '../lib/run-child.ts';
import { BATCH_KIND_ENUM, STEADY_STATEMENTS } from '../lib/batch-comparison.ts';
import { median } from '../lib/stats.ts';

/** Arguments of {@link duckdbBatchTask}. */
export interface DuckdbBatchArgs {
  /** `load`: build the database file from the events CSV (untimed preparation); `compute`: the measured run. */
  mode: 'load' | 'compute';
  db: string;
  /** Events CSV (load). */
  events?: string;
  /** SQL file of the computation (compute). */
  sql?: string;
  /** Where the result goes as CSV, sorted (compute; written after the timing). */
  result?: string;
}

/**
 * DuckDB side of the batch comparison. `compute` times `CREATE TABLE … AS <presence SQL>` over the
 * stored events (DuckDB's default: all cores, here 2 threads) in a database file loaded beforehand.
 * The load stores the events with PostgreSQL's column types (seq and device INTEGER, ts and h3
 * BIGINT, kind an enum) ordered by (device, ts, seq) — DuckDB's counterpart of the (device, ts,
 * seq) index PostgreSQL gets: the `lead()`/`row_number()` partitions then arrive mostly in order.
 * Besides the wall time it reports `spanCpuSeconds`, the process CPU of the timed statement.
 *
 * The statement runs 1 + {@link STEADY_STATEMENTS} times in the process; the time is the median of
 * all but the first. The first (`firstSeconds`, reported too) pays DuckDB's start-up — its thread pool
 * and allocator growing to the query's working set — which a long-lived analyst session pays once,
 * and which PostgreSQL's server has paid before any session starts; DuckDB is still ~10 % slower in
 * the second. The PostgreSQL side times its session's statements likewise (postgres-batch.ts).
 */
export async function duckdbBatchTask(a: DuckdbBatchArgs): Promise<TaskReport> {
  if (a.mode === 'load') rmSync(a.db, { force: true });
  const instance = await DuckDBInstance.create(a.db);
  const conn = await instance.connect();
  try {
    if (a.mode === 'load') {
      const t0 = performance.now();
      await conn.run(`CREATE TYPE event_kind AS ${BATCH_KIND_ENUM}`);
      await conn.run(
        `CREATE TABLE events AS SELECT * FROM read_csv('${a.events!.replaceAll("'", "''")}', header = false,
           columns = {'seq': 'INTEGER', 'ts': 'BIGINT', 'device': 'INTEGER', 'h3': 'BIGINT', 'kind': 'event_kind'})
         ORDER BY device, ts, seq`,
      );
      const n = Number((await conn.runAndReadAll('SELECT count(*) FROM events')).getRowsJS()[0]![0]);
      return { seconds: (performance.now() - t0) / 1000, events: n };
    }
    const sql = readFileSync(a.sql!, 'utf8');
    const n = Number((await conn.runAndReadAll('SELECT count(*) FROM events')).getRowsJS()[0]![0]);
    await conn.run('DROP TABLE IF EXISTS presence_batch');
    // The result is compared sorted, so DuckDB need not keep insertion order in the CTAS (its
    // documented setting for bulk CREATE TABLE AS); ~10–20 % less CPU in the window operators.
    await conn.run('SET preserve_insertion_order = false');
    // Process CPU (getrusage: every DuckDB thread is in this process) over the same span as the
    // wall time, so the comparison can also be read per CPU-second on a shared machine.
    const f0 = performance.now();
    await conn.run(`CREATE TABLE presence_batch AS ${sql}`);
    const firstSeconds = (performance.now() - f0) / 1000;
    const steady: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let r = 0; r < STEADY_STATEMENTS; r++) {
      await conn.run('DROP TABLE presence_batch');
      const t0 = performance.now();
      await conn.run(`CREATE TABLE presence_batch AS ${sql}`);
      steady.push((performance.now() - t0) / 1000);
    }
    const cpu = process.cpuUsage(cpu0);
    const seconds = median(steady);
    const rows = Number((await conn.runAndReadAll('SELECT count(*) FROM presence_batch')).getRowsJS()[0]![0]);
    await conn.run(`COPY (SELECT window_start, h3, present, active, events FROM presence_batch ORDER BY window_start, h3) TO '${a.result!.replaceAll("'", "''")}' (HEADER false)`);
    await conn.run('DROP TABLE presence_batch');
    await conn.run('CHECKPOINT');
    // CPU per statement: the steady statements' total (their DROPs included, a few ms) over their number.
    return { seconds, events: n, extra: { resultRows: rows, spanCpuSeconds: (cpu.user + cpu.system) / 1e6 / STEADY_STATEMENTS, firstSeconds } };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

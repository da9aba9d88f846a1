import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { procStatCpu } from '../lib/proc-stat-cpu.ts';
import type { TaskReport } from '../lib/run-child.ts';
import { BATCH_KIND_ENUM, STEADY_STATEMENTS } from '../lib/batch-comparison.ts';
import { median } from '../lib/stats.ts';

/** How to reach PostgreSQL (psql connection flags). */
export interface PgConnection {
  host: string;
  port: number;
  user: string;
  database: string;
}

/** Arguments of {@link postgresBatchTask}. */
export interface PostgresBatchArgs {
  mode: 'load' | 'compute';
  pg: PgConnection;
  /** Events CSV (load). */
  events?: string;
  /** SQL file of the computation (compute). */
  sql?: string;
  /** Result CSV, sorted (compute; written after the timing). */
  result?: string;
  /** Session `work_mem` (compute). Default 256MB. */
  workMem?: string;
}

/** Schema holding the benchmark's tables, dropped and rebuilt on load. */
const SCHEMA = 'citypulse_bench';

/**
 * PostgreSQL side of the batch comparison, through `psql` (no driver needed). `load` creates
 * `citypulse_bench.events` (seq INTEGER — arrival index within the device —, ts BIGINT, device
 * INTEGER — a dense id mapped once when locating —, h3 BIGINT, kind an enum; the DuckDB side's types), COPYs the CSV, adds the index a
 * warehouse would have on (device, ts, seq), CLUSTERs the table on it (the order the DuckDB side
 * stores) and ANALYZEs — untimed. `compute` times
 * `CREATE TABLE … AS <presence SQL>` with psql's `\timing` (server round trip of that statement only),
 * as the median of the session's {@link STEADY_STATEMENTS} runs after the first (the first,
 * `firstSeconds`, pays the new backend's start-up, as the DuckDB side's first statement pays its
 * process's: duckdb-batch.ts),
 * work_mem 256MB and up to 2 parallel workers per gather (the box has 2 cores). It reports the backend
 * process's peak RSS (VmHWM; parallel workers are separate processes and not included) and the CPU of
 * a statement (`spanCpuSeconds`, the steady statements' total over their number): the backend's utime
 * + stime from `/proc/<pid>/stat` before and after them, plus — only when the plan has a Gather — the CPU the postmaster reaped from exited children
 * over the span (parallel workers are its children; any other backend exiting then counts too).
 * Reading `/proc` needs the server on this machine; elsewhere the CPU figures are NaN.
 */
export async function postgresBatchTask(a: PostgresBatchArgs): Promise<TaskReport> {
  if (a.mode === 'load') {
    const t0 = performance.now();
    const out = await psql(a.pg, [
      `DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE;`,
      `CREATE SCHEMA ${SCHEMA};`,
      `CREATE TYPE ${SCHEMA}.event_kind AS ${BATCH_KIND_ENUM};`,
      `CREATE UNLOGGED TABLE ${SCHEMA}.events (seq INTEGER NOT NULL, ts BIGINT NOT NULL, device INTEGER NOT NULL, h3 BIGINT NOT NULL, kind ${SCHEMA}.event_kind NOT NULL);`,
      `\\copy ${SCHEMA}.events FROM '${a.events!.replaceAll("'", "''")}' WITH (FORMAT csv)`,
      `CREATE INDEX events_device_ts ON ${SCHEMA}.events (device, ts, seq);`,
      // The same physical order as the DuckDB table (stored sorted by device, ts, seq).
      `CLUSTER ${SCHEMA}.events USING events_device_ts;`,
      `ANALYZE ${SCHEMA}.events;`,
      `SELECT count(*) AS n FROM ${SCHEMA}.events \\gset`,
      `\\echo ROWS :n`,
    ]);
    const n = Number(/^ROWS (\d+)/m.exec(out)?.[1] ?? NaN);
    return { seconds: (performance.now() - t0) / 1000, events: n };
  }
  const sql = readFileSync(a.sql!, 'utf8').replace(/;\s*$/, '').replace(/^\s*--.*$/gm, '').trim();
  // psql runs `\!` through the shell: the backend's and its parent's (the postmaster's) stat lines.
  const procCpu = (tag: string) => `\\! echo "${tag} $(getconf CLK_TCK)|$(cat /proc/$BENCH_PG_PID/stat)|$(cat /proc/$(cut -d' ' -f4 /proc/$BENCH_PG_PID/stat)/stat)"`;
  const out = await psql(a.pg, [
    `SET search_path = ${SCHEMA};`,
    `SET work_mem = '${a.workMem ?? '256MB'}';`,
    `SET max_parallel_workers_per_gather = 2;`,
    `DROP TABLE IF EXISTS presence_batch;`,
    `SELECT pg_backend_pid() AS pid \\gset`,
    `\\timing on`,
    `\\echo FIRST`,
    `CREATE UNLOGGED TABLE presence_batch AS ${sql};`,
    `\\timing off`,
    `DROP TABLE presence_batch;`,
    `\\setenv BENCH_PG_PID :pid`,
    procCpu('CPU_BEFORE'),
    ...Array.from({ length: STEADY_STATEMENTS }, (_, r) => [
      `\\timing on`,
      `\\echo TIMED`,
      `CREATE UNLOGGED TABLE presence_batch AS ${sql};`,
      `\\timing off`,
      ...(r < STEADY_STATEMENTS - 1 ? [`DROP TABLE presence_batch;`] : []),
    ]).flat(),
    procCpu('CPU_AFTER'),
    `\\! grep VmHWM /proc/$BENCH_PG_PID/status`,
    `SELECT count(*) AS n FROM presence_batch \\gset`,
    `\\echo RESULT_ROWS :n`,
    `SELECT count(*) AS n FROM events \\gset`,
    `\\echo ROWS :n`,
    `\\copy (SELECT window_start, h3, present, active, events FROM presence_batch ORDER BY window_start, h3) TO '${a.result!.replaceAll("'", "''")}' WITH (FORMAT csv)`,
    `DROP TABLE presence_batch;`,
    `\\echo PLAN`,
    `EXPLAIN (COSTS OFF) CREATE UNLOGGED TABLE presence_batch AS ${sql};`,
    `\\echo END_PLAN`,
  ]);
  const steady = [...out.matchAll(/^TIMED$[\s\S]*?Time: ([\d.]+) ms/gm)].map((m) => Number(m[1]));
  const ms = steady.length === STEADY_STATEMENTS ? median(steady) : NaN;
  const firstMs = Number(/FIRST[\s\S]*?Time: ([\d.]+) ms/.exec(out)?.[1] ?? NaN);
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(out)?.[1] ?? NaN);
  if (!Number.isFinite(ms)) throw new Error(`no timing in psql output:\n${out}`);
  const before = cpuLine(out, 'CPU_BEFORE');
  const after = cpuLine(out, 'CPU_AFTER');
  const gather = /Gather/.test(/^PLAN$([\s\S]*?)^END_PLAN$/m.exec(out)?.[1] ?? '');
  const backendCpu = before && after ? after.backend.self - before.backend.self : NaN;
  const workersCpu = !gather ? 0 : before && after ? after.postmaster.reapedChildren - before.postmaster.reapedChildren : NaN;
  return {
    seconds: ms / 1000,
    events: Number(/^ROWS (\d+)/m.exec(out)?.[1] ?? NaN),
    extra: {
      resultRows: Number(/^RESULT_ROWS (\d+)/m.exec(out)?.[1] ?? NaN),
      firstSeconds: firstMs / 1000,
      backendPeakRssMiB: hwm / 1024,
      // CPU per statement: the steady statements' total over their number.
      spanCpuSeconds: (backendCpu + workersCpu) / STEADY_STATEMENTS,
      backendCpuSeconds: backendCpu / STEADY_STATEMENTS,
      parallelWorkersCpuSeconds: workersCpu / STEADY_STATEMENTS,
    },
  };
}

/** The backend's and the postmaster's CPU from a `TAG ticks|backend stat|postmaster stat` line; null if unreadable. */
function cpuLine(out: string, tag: string) {
  const m = new RegExp(`^${tag} (\\d+)\\|(.*)\\|(.*)$`, 'm').exec(out);
  const backend = m ? procStatCpu(m[2]!, Number(m[1])) : null;
  const postmaster = m ? procStatCpu(m[3]!, Number(m[1])) : null;
  return backend && postmaster ? { backend, postmaster } : null;
}

/** Runs psql statements in one session (stops at the first error); resolves to its stdout. */
function psql(c: PgConnection, statements: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', c.host, '-p', String(c.port), '-U', c.user, '-d', c.database], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`psql exited ${code}: ${err.trim()}`))));
    p.stdin.end(statements.join('\n') + '\n');
  });
}

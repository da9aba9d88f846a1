import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PgConnection } from '../tasks/postgres-batch.ts';
import { simulatedInput } from '../lib/inputs.ts';
import { repeated } from '../lib/repeat.ts';
import { summarise, target } from '../lib/summarise.ts';
import { skipped, type Benchmark } from './benchmark.ts';

const SQL = fileURLToPath(new URL('../sql/presence-batch.sql', import.meta.url));

/**
 * Recomputes a day of presence from stored events with the same SQL (bench/sql/presence-batch.sql:
 * window functions for holds and the longest-dwell cell) in DuckDB and in PostgreSQL — the
 * FlowKit/FlowDB approach — after loading the same events into both (untimed). Checks both results
 * are equal, and equal to what the streaming engine computed from the same input. Reports the wall
 * ratio and the ratio of CPU seconds over the same timed statement (DuckDB's process, PostgreSQL's
 * backend plus parallel workers).
 */
export const batchVsPostgres: Benchmark = {
  name: 'batch_vs_postgres',
  summary: 'a day of presence recomputed by SQL in DuckDB vs PostgreSQL (same SQL, results compared)',
  async run(ctx) {
    const pg: PgConnection = {
      host: process.env.CITYPULSE_BENCH_PGHOST ?? '127.0.0.1',
      port: Number(process.env.CITYPULSE_BENCH_PGPORT ?? 5432),
      user: process.env.CITYPULSE_BENCH_PGUSER ?? 'postgres',
      database: process.env.CITYPULSE_BENCH_PGDATABASE ?? 'test',
    };
    const probe = spawnSync('psql', ['-X', '-q', '-h', pg.host, '-p', String(pg.port), '-U', pg.user, '-d', pg.database, '-c', 'SELECT 1'], { encoding: 'utf8' });
    if (probe.status !== 0) return [skipped(ctx, 'batch_vs_postgres', 'duckdb vs postgres', `PostgreSQL not reachable with psql at ${pg.host}:${pg.port}: ${(probe.stderr || String(probe.error)).trim()}`)];

    const input = await simulatedInput(ctx, { subscribers: ctx.preset.batch });
    const events = join(input.dir, 'located-events-int4.csv');
    const engine = join(input.dir, 'engine-presence.csv');
    if (!existsSync(engine) || !existsSync(events)) {
      ctx.log('  locating the events once (the stored events) and computing the engine presence…');
      await ctx.measure('locate-events', { input: input.events, cells: input.cells, events, engine, key: ctx.key }, 'locate-events');
    }
    const duckDb = join(ctx.dirs.tmp, 'batch-events.duckdb');
    ctx.log('  loading the events into DuckDB and PostgreSQL (untimed)…');
    await ctx.measure('duckdb-batch', { mode: 'load', db: duckDb, events }, 'batch-duckdb-load');
    await ctx.measure('postgres-batch', { mode: 'load', pg, events }, 'batch-postgres-load');
    const duckOut = join(ctx.dirs.tmp, 'batch-duckdb-result.csv');
    const pgOut = join(ctx.dirs.tmp, 'batch-postgres-result.csv');
    try {
      const [duck, post] = await repeated(ctx, [
        { label: 'batch duckdb', once: () => ctx.measure('duckdb-batch', { mode: 'compute', db: duckDb, sql: SQL, result: duckOut }, 'batch-duckdb') },
        { label: 'batch postgres', once: () => ctx.measure('postgres-batch', { mode: 'compute', pg, sql: SQL, result: pgOut }, 'batch-postgres') },
      ]);
      const a = readResult(duckOut);
      const b = readResult(pgOut);
      const e = readResult(engine);
      const sameEngines = sameRows(a, b);
      const sameAsStream = sameRows(a, e);
      const pgRow = summarise(ctx, 'batch_postgres', 'postgresql 15', post!, {
        note: 'same SQL; work_mem 256MB, ≤ 2 parallel workers, index on (device, ts, seq), table clustered on it; peak RSS: the node+psql client, backend in metrics',
      });
      const row = summarise(ctx, 'batch_vs_postgres', 'duckdb', duck!, {
        peer: { name: 'PostgreSQL', seconds: pgRow.seconds, eventsPerSecond: pgRow.eventsPerSecond, peakRssMiB: pgRow.metrics.backendPeakRssMiB ?? NaN },
        peerRuns: post!,
        note: `${a.size.toLocaleString('en-US')} (window, cell) rows; DuckDB = PostgreSQL: ${sameEngines ? 'yes' : 'NO'}; = streaming engine: ${sameAsStream ? 'yes' : 'NO'}`,
      });
      // Timed: each engine's median of its process's/session's statements after the first
      // (STEADY_STATEMENTS, bench/lib/batch-comparison.ts). The first run's figures (start-up
      // included) are kept beside it.
      const firstDuck = duck!.map((r) => r.extra.firstSeconds).filter((x): x is number => Number.isFinite(x)).sort((x, y) => x - y);
      const firstPg = post!.map((r) => r.extra.firstSeconds).filter((x): x is number => Number.isFinite(x)).sort((x, y) => x - y);
      const med = (l: number[]) => l[l.length >> 1] ?? NaN;
      row.metrics.firstRatio = med(firstPg) / med(firstDuck);
      row.metrics.peerFirstSeconds = med(firstPg);
      row.ratio = pgRow.seconds.median / row.seconds.median;
      // Wall time on a shared machine mostly measures the other tenants (DuckDB's two threads wait
      // for cores more than PostgreSQL's one backend does); CPU of the same span is the steadier figure.
      row.metrics.peerSpanCpuSeconds = pgRow.metrics.spanCpuSeconds ?? NaN;
      row.metrics.cpuRatio = (pgRow.metrics.spanCpuSeconds ?? NaN) / (row.metrics.spanCpuSeconds ?? NaN);
      row.metrics.resultsEqual = sameEngines ? 1 : 0;
      row.metrics.equalToStreamingEngine = sameAsStream ? 1 : 0;
      row.targets.push(target('≥ 10 × PostgreSQL', row.ratio >= 10));
      row.targets.push(target('same result in both engines', sameEngines));
      return [row, pgRow];
    } finally {
      rmSync(duckDb, { force: true });
      rmSync(duckDb + '.wal', { force: true });
      rmSync(duckOut, { force: true });
      rmSync(pgOut, { force: true });
    }
  },
};

/** A result CSV (window_start,h3,present,active,events) as a map keyed by window and cell. */
function readResult(file: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const [ws, h3, ...rest] = line.split(',');
    m.set(`${ws},${h3}`, rest.join(','));
  }
  return m;
}

function sameRows(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

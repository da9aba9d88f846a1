import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { checkKnownKeys, readDuration, readList } from '../src/jobs/config/option-readers.ts';
import type { JobDefinition } from '../src/jobs/job-definition.ts';
import { outputLayout } from './output-layout.ts';
import { SETTLED_STATUSES } from '../src/jobs/run/job-run.ts';
import { JOB_TABLES_SQL, tsParam } from '../src/jobs/store/job-tables.ts';
import { openJobDatabase } from '../src/jobs/open-job-database.ts';
import { withTransaction } from '../src/outputs/duckdb/with-transaction.ts';
import { lakeLayout } from '../src/outputs/lake/index.ts';

/** What retention can destroy: tables of the pipeline database, lake partitions, job output files. */
export const RETENTION_TARGETS = ['presence', 'dead_letters', 'late_events', 'job_runs', 'lake', 'outputs'] as const;
export type RetentionTarget = (typeof RETENTION_TARGETS)[number];

/** Options of the `retention` job (`jobs.retention.options` in the config file). */
export interface RetentionOptions {
  /** Data older than this (relative to the slot time) is deleted. Default `"30d"`. */
  maxAgeMs: number;
  /** Default all of {@link RETENTION_TARGETS}. */
  targets: RetentionTarget[];
}

const SETTLED_SQL = SETTLED_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * How each table ages out, by the time that dates its rows. `job_runs` keeps running rows and each
 * job's latest settled row (catch-up starts from it).
 */
const TABLE_DELETES: Record<Exclude<RetentionTarget, 'lake' | 'outputs'>, string> = {
  presence: `DELETE FROM presence WHERE window_end <= ${tsParam('cutoff')}`,
  dead_letters: `DELETE FROM dead_letters WHERE ingested_at < ${tsParam('cutoff')}`,
  late_events: `DELETE FROM late_events WHERE event_ts < ${tsParam('cutoff')}`,
  job_runs: `DELETE FROM job_runs WHERE started < ${tsParam('cutoff')} AND status <> 'running'
    AND rowid NOT IN (SELECT rowid FROM job_runs WHERE status IN (${SETTLED_SQL})
                      QUALIFY row_number() OVER (PARTITION BY job ORDER BY scheduled_for DESC) = 1)`,
};

/**
 * `retention`: the destruction step of the data life-cycle. Deletes derived data older than `maxAge`
 * before the slot time — presence windows, dead letters, late events, old job runs (in one
 * transaction), the lake's hour partitions, and the exported heatmaps and reports in the output
 * folder — and records what it deleted per target in `retention_log` (and in the run's `detail`).
 * Runs daily at 03:45 by default; a missed day is not caught up (the next run deletes the same).
 */
export const retentionJob: JobDefinition<RetentionOptions> = {
  name: 'retention',
  summary: 'delete presence, dead letters, late events, job runs, lake partitions and exports older than maxAge',
  defaultSchedule: '45 3 * * *',
  defaultPolicy: 'skip',
  options(raw) {
    const w = 'jobs.retention.options';
    checkKnownKeys(raw, ['maxAge', 'targets'], w);
    const maxAgeMs = readDuration(raw, 'maxAge', '30d', w);
    if (maxAgeMs < 3_600_000) throw new RangeError(`${w}.maxAge: must be at least 1h, got ${raw.maxAge}`);
    return { maxAgeMs, targets: readList(raw, 'targets', RETENTION_TARGETS, RETENTION_TARGETS, w) };
  },
  async run(ctx, env, o) {
    const cutoff = ctx.scheduledFor - o.maxAgeMs;
    const deleted: Partial<Record<RetentionTarget, number>> = {};
    const db = await openJobDatabase(env, ctx.signal, { h3: false });
    try {
      const conn = db.connection;
      await conn.run(JOB_TABLES_SQL);
      const tables = new Set((await conn.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'`)).getRowsJS().map((r) => r[0]));
      await withTransaction(conn, async () => {
        for (const t of Object.keys(TABLE_DELETES) as (keyof typeof TABLE_DELETES)[]) {
          if (!o.targets.includes(t) || !tables.has(t)) continue;
          deleted[t] = await changes(conn, TABLE_DELETES[t], cutoff);
        }
      });
      ctx.signal.throwIfAborted();
      if (o.targets.includes('lake')) deleted.lake = deleteLakePartitions(env.lakeDir, cutoff);
      if (o.targets.includes('outputs')) deleted.outputs = deleteOutputs(env.outDir, cutoff);
      const now = Date.now();
      for (const [target, n] of Object.entries(deleted)) {
        await conn.run(
          `INSERT INTO retention_log VALUES (${tsParam('now')}, ${tsParam('slot')}, ${tsParam('cutoff')}, $target, $n)`,
          { now, slot: ctx.scheduledFor, cutoff, target, n },
        );
      }
    } finally {
      db.close();
    }
    const rows = Object.values(deleted).reduce((s, n) => s + n, 0);
    return { rows, detail: { cutoff: new Date(cutoff).toISOString(), deleted } };
  },
};

async function changes(conn: DuckDBConnection, sql: string, cutoff: number): Promise<number> {
  const r = await conn.run(sql, { cutoff });
  return Number(r.rowsChanged);
}

/** Removes hour partitions of the lake that ended by `cutoff`; resolves to how many. */
function deleteLakePartitions(lakeDir: string, cutoff: number): number {
  const root = lakeLayout.presenceDir(lakeDir);
  if (!existsSync(root)) return 0;
  let n = 0;
  for (const date of readdirSync(root)) {
    const dateDir = join(root, date);
    if (!/^date=/.test(date)) continue;
    for (const hour of readdirSync(dateDir)) {
      const start = lakeLayout.partitionHour(date, hour);
      if (start === null || start + lakeLayout.HOUR_MS > cutoff) continue;
      rmSync(join(dateDir, hour), { recursive: true, force: true });
      n++;
    }
    if (readdirSync(dateDir).length === 0) rmSync(dateDir, { recursive: true, force: true });
  }
  return n;
}

/** Removes exported heatmaps and daily reports whose data ended by `cutoff`; resolves to how many. */
function deleteOutputs(outDir: string, cutoff: number): number {
  let n = 0;
  for (const dir of [outputLayout.heatmapDir(outDir), outputLayout.reportDir(outDir)]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      const end = outputLayout.dataEnd(f);
      if (end === null || end > cutoff) continue;
      rmSync(join(dir, f), { force: true });
      n++;
    }
  }
  return n;
}

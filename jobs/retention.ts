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
import { RETENTION_POLICY, resolveRetentionAges, type RetainedItem, type RetentionRule } from '../src/privacy/retention/retention-policy.ts';

/**
 * What retention can destroy: every item of the declared policy (src/privacy/retention/retention-policy.ts):
 * tables of the pipeline database, lake partitions, job output files.
 */
export const RETENTION_TARGETS = ['presence', ...(Object.keys(RETENTION_POLICY) as RetainedItem[]).filter((t) => t !== 'presence')] as const;
export type RetentionTarget = RetainedItem;

/** Options of the `retention` job (`jobs.retention.options` in the config file). */
export interface RetentionOptions {
  /** Age of aggregates and of items without a declared default; caps the declared defaults. Default `"30d"`. */
  maxAgeMs: number;
  /** Per-item ages overriding the policy, e.g. `{ "dead_letters": "14d" }`. Default none. */
  ages: Partial<Record<RetentionTarget, number>>;
  /** Default all of {@link RETENTION_TARGETS}. */
  targets: RetentionTarget[];
}

const SETTLED_SQL = SETTLED_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * How each table ages out, by the time that dates its rows. `job_runs` keeps running rows and each
 * job's latest settled row (catch-up starts from it).
 */
const tableDelete = (t: RetentionTarget): string | null => {
  if (t === 'job_runs') {
    return `DELETE FROM job_runs WHERE started < ${tsParam('cutoff')} AND status <> 'running'
    AND rowid NOT IN (SELECT rowid FROM job_runs WHERE status IN (${SETTLED_SQL})
                      QUALIFY row_number() OVER (PARTITION BY job ORDER BY scheduled_for DESC) = 1)`;
  }
  const column = (RETENTION_POLICY[t] as RetentionRule).dateColumn;
  return column === null ? null : `DELETE FROM ${t} WHERE ${column} <= ${tsParam('cutoff')}`;
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
    checkKnownKeys(raw, ['maxAge', 'ages', 'targets'], w);
    const maxAgeMs = readDuration(raw, 'maxAge', '30d', w);
    if (maxAgeMs < 3_600_000) throw new RangeError(`${w}.maxAge: must be at least 1h, got ${raw.maxAge}`);
    const rawAges = (raw.ages ?? {}) as Record<string, unknown>;
    if (typeof rawAges !== 'object' || rawAges === null || Array.isArray(rawAges)) throw new RangeError(`${w}.ages: expected an object of durations per item`);
    checkKnownKeys(rawAges, RETENTION_TARGETS, `${w}.ages`);
    const ages: Partial<Record<RetentionTarget, number>> = {};
    for (const t of Object.keys(rawAges) as RetentionTarget[]) ages[t] = readDuration(rawAges, t, '30d', `${w}.ages`);
    return { maxAgeMs, ages, targets: readList(raw, 'targets', RETENTION_TARGETS, RETENTION_TARGETS, w) };
  },
  async run(ctx, env, o) {
    const cutoff = ctx.scheduledFor - o.maxAgeMs;
    const ages = resolveRetentionAges(o.maxAgeMs, o.ages);
    const cutoffOf = (t: RetentionTarget) => ctx.scheduledFor - ages[t];
    const deleted: Partial<Record<RetentionTarget, number>> = {};
    const db = await openJobDatabase(env, ctx.signal, { h3: false });
    try {
      const conn = db.connection;
      await conn.run(JOB_TABLES_SQL);
      const columns = new Set((await conn.runAndReadAll(`SELECT table_name || '.' || column_name FROM duckdb_columns() WHERE schema_name = 'main'`)).getRowsJS().map((r) => r[0]));
      await withTransaction(conn, async () => {
        for (const t of RETENTION_TARGETS) {
          const sql = tableDelete(t);
          const column = (RETENTION_POLICY[t] as RetentionRule).dateColumn;
          if (!sql || !o.targets.includes(t) || !columns.has(`${t}.${column}`)) continue;
          deleted[t] = await changes(conn, sql, cutoffOf(t));
        }
      });
      ctx.signal.throwIfAborted();
      if (o.targets.includes('lake')) deleted.lake = deleteLakePartitions(env.lakeDir, cutoffOf('lake'));
      if (o.targets.includes('outputs')) deleted.outputs = deleteOutputs(env.outDir, cutoffOf('outputs'));
      const now = Date.now();
      for (const [target, n] of Object.entries(deleted)) {
        await conn.run(
          `INSERT INTO retention_log VALUES (${tsParam('now')}, ${tsParam('slot')}, ${tsParam('cutoff')}, $target, $n)`,
          { now, slot: ctx.scheduledFor, cutoff: cutoffOf(target as RetentionTarget), target, n },
        );
      }
    } finally {
      db.close();
    }
    const rows = Object.values(deleted).reduce((s, n) => s + n, 0);
    const cutoffs = Object.fromEntries(Object.keys(deleted).map((t) => [t, new Date(cutoffOf(t as RetentionTarget)).toISOString()]));
    return { rows, detail: { cutoff: new Date(cutoff).toISOString(), cutoffs, deleted } };
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

import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { JobsConfig } from '../../jobs/config/jobs-config.ts';
import { readJobsConfigFile } from '../../jobs/config/read-jobs-config-file.ts';
import { resolveJobsConfig, type ResolvedJobsConfig } from '../../jobs/config/resolve-jobs-config.ts';
import { toScheduledJobs } from '../../jobs/config/to-scheduled-jobs.ts';
import type { JobDefinition } from '../../jobs/job-definition.ts';
import type { JobLogger } from '../../jobs/run/job-event.ts';
import { Scheduler } from '../../jobs/run/scheduler.ts';
import { nextSlot } from '../../jobs/schedule/slots.ts';
import { DuckDbJobStore } from '../../jobs/store/duckdb-job-store.ts';
import { startCronHeartbeat } from '../../jobs/timer/cron-heartbeat.ts';
import { UsageError, logOf, parseCommandArgs, type Command, type CommandContext, dispatchSubcommand } from '../command.ts';
import { createCliLogger, jobLoggerOf } from '../log/create-cli-logger.ts';
import { formatDuration } from '../../core/duration.ts';
import { parseTimeArg } from '../time-arg.ts';
import { fileDigests, recordAdminOperation } from '../flags/ledger-flags.ts';
import { adminLedgerPath } from '../../access/token-files.ts';
import { JobError } from '../../jobs/run/job-task.ts';
import type { ScheduledJob } from '../../jobs/run/scheduled-job.ts';
import { parseHostPort } from '../flags/host-port.ts';
import { createJobMetrics } from '../../outputs/metrics/job-metrics.ts';
import { createMetricsRegistry } from '../../outputs/metrics/metrics-registry.ts';
import { startMetricsServer } from '../../outputs/metrics/start-metrics-server.ts';

function help(registry: readonly JobDefinition[]): string {
  return `Usage: citypulse jobs start [--config FILE] [--db FILE] [--json] [--metrics HOST:PORT]
       citypulse jobs list  [--config FILE] [--db FILE]
       citypulse jobs run NAME [--for TIME] [--config FILE] [--db FILE] [--json] [--no-ledger]

Scheduled batch jobs over the pipeline's DuckDB file (node-cron timer, schedules in the configured
time zone, DST-aware). Every attempt is recorded in the table job_runs; a job never runs twice at
once, even from two processes (a lease row in job_locks; see src/jobs/store/duckdb-job-store.ts).

  start   run the scheduler until SIGINT/SIGTERM: missed slots since the last run are caught up or
          skipped per job policy, failures retried with exponential backoff. The first signal lets
          the running job finish; a second one exits at once.
  list    each job: schedule, time zone, policy, retries, next slot and last run
  run     run one job now, for the scheduled slot TIME (default: now); re-runs a slot already done

Jobs:
${registry.map((j) => `  ${j.name.padEnd(16)} ${j.summary} (default ${j.defaultSchedule}, ${j.defaultPolicy})`).join('\n')}

Options:
  --config FILE   JSON JobsConfig (example with every default: jobs/jobs.config.json); default: built-in defaults
  --db FILE       DuckDB file, overriding the config's db (default out/demo/citypulse.duckdb)
  --for TIME      the slot to run for (RFC 3339 or epoch ms): the job's "now" — e.g. the windows
                  closed by then, the day before it for daily_report, the cut-off base for retention
  --json          log events as JSON lines (same as --log-format json)
  --ledger-key FILE  Ed25519 key that signs the ledger (default $CITYPULSE_LEDGER_KEY_FILE, else
                  <key dir>/ledger-ed25519.pem; created 0600)
  --no-ledger     do not record runs: by default every successful run is a job_run entry (job, slot,
                  rows, SHA-256 of each file written) in the signed ledger <db>.admin-ledger.duckdb
  --metrics H:P   (start) serve Prometheus metrics at http://H:P/metrics: citypulse_job_runs_total
                  {job,outcome}, citypulse_job_run_duration_seconds{job}, process metrics
                  (docs/http-api.md#metrics)
  -h, --help      this help

Examples:
  citypulse jobs run export_heatmaps --for 2026-03-02T18:01:00Z --db out/demo/citypulse.duckdb
  citypulse jobs run daily_report --for 2026-03-03T02:30:00Z
  citypulse jobs start --config jobs/jobs.config.json
`;
}

const FLAGS = { config: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' }, 'ledger-key': { type: 'string' }, 'no-ledger': { type: 'boolean' } } as const;
const START_FLAGS = { ...FLAGS, metrics: { type: 'string' } } as const;

/**
 * `citypulse jobs` over a job registry (the entry point passes `jobs/index.ts`'s JOB_REGISTRY, so the
 * CLI never imports `jobs/` and `jobs/` may use the CLI).
 */
export function createJobsCommand(registry: readonly JobDefinition[]): Command {
  const HELP = help(registry);
  const app: JobsApp = { registry, help: HELP };
  return {
    name: 'jobs',
    summary: 'scheduled batch jobs: exports, lake compaction, daily report, retention',
    help: HELP,
    async run(argv, ctx) {
      return dispatchSubcommand('jobs', argv, ctx, HELP, { start: (a, c) => start(app, a, c), list: (a, c) => list(app, a, c), run: (a, c) => runOne(app, a, c) });
    },
  };
}

interface JobsApp {
  registry: readonly JobDefinition[];
  help: string;
}

function loadConfig(app: JobsApp, values: { config?: string; db?: string }): ResolvedJobsConfig {
  const raw: JobsConfig = values.config ? readJobsConfigFile(values.config) : {};
  try {
    return resolveJobsConfig(values.db ? { ...raw, db: values.db } : raw, app.registry);
  } catch (err) {
    throw new UsageError(`${values.config ?? 'jobs config'}: ${(err as Error).message}`);
  }
}

/** The scheduler's events as `job.*` log events; `--json` forces JSON lines, text lines carry the time. */
function logger(ctx: CommandContext, json: boolean | undefined): JobLogger {
  return jobLoggerOf(createCliLogger({ stream: ctx.stderr, format: json ? 'json' : (ctx.logFormat ?? 'text'), timestamps: true }));
}

/** Where each successful run is recorded: the admin ledger beside the database (null: `--no-ledger`). */
interface RunLedger {
  ctx: CommandContext;
  keyFlag: string | undefined;
}

function runLedgerOf(values: { 'no-ledger'?: boolean; 'ledger-key'?: string }, ctx: CommandContext): RunLedger | null {
  return values['no-ledger'] ? null : { ctx, keyFlag: values['ledger-key'] };
}

/**
 * A successful run becomes a `job_run` operation in `<db>.admin-ledger.duckdb`: job, slot, attempt,
 * rows, and the SHA-256 of every file it wrote. A run that cannot be recorded fails (retriably): the
 * jobs are idempotent, and an unrecorded release is what the ledger exists to prevent.
 */
function recordingRuns(jobs: ScheduledJob[], db: string, ledger: RunLedger): ScheduledJob[] {
  return jobs.map((j) => ({
    ...j,
    task: async (tctx) => {
      const result = await j.task(tctx);
      try {
        await recordAdminOperation(db, ledger.ctx, 'job_run', {
          job: j.name, scheduled_for: new Date(tctx.scheduledFor).toISOString(), attempt: tctx.attempt, rows: result.rows, files: fileDigests(result.files ?? []),
        }, ledger.keyFlag);
      } catch (err) {
        throw new JobError(`${j.name} ran but could not be recorded in the ledger ${adminLedgerPath(db)}: ${(err as Error).message}`, { cause: err });
      }
      return result;
    },
  }));
}

function makeScheduler(config: ResolvedJobsConfig, log: JobLogger, only: ((name: string) => boolean) | undefined, ledger: RunLedger | null): Scheduler {
  const bound = toScheduledJobs(config).filter((j) => !only || only(j.name));
  const jobs = ledger ? recordingRuns(bound, config.env.db, ledger) : bound;
  const store = new DuckDbJobStore({ path: config.env.db, busyTimeoutMs: config.env.busyTimeoutMs });
  return new Scheduler({ jobs, store, owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, log });
}

async function start(app: JobsApp, argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, START_FLAGS, app.help, ctx);
  if (!args) return 0;
  const metricsAt = args.values.metrics === undefined ? null : parseHostPort(args.values.metrics, '--metrics');
  const config = loadConfig(app, args.values);
  const enabled = new Set(config.jobs.filter((j) => j.enabled).map((j) => j.definition.name));
  const registry = metricsAt ? createMetricsRegistry() : null;
  const onEvent = registry ? createJobMetrics(registry) : null;
  const cliLog = logger(ctx, args.values.json);
  const log: JobLogger = onEvent
    ? (e) => {
        onEvent(e);
        cliLog(e);
      }
    : cliLog;
  const metricsServer = registry && metricsAt ? await startMetricsServer(registry, metricsAt) : null;
  if (metricsServer) ctx.stderr.write(`jobs     metrics at ${metricsServer.url}metrics\n`);
  const scheduler = makeScheduler(config, log, (n) => enabled.has(n), runLedgerOf(args.values, ctx));
  logOf(ctx)({ type: 'jobs.scheduler.started', db: config.env.db, jobs: [...enabled], timeZone: config.timeZone });
  const tick = () => void scheduler.poll().catch((err: Error) => log({ type: 'scheduler.error', job: null, error: err.message }));
  const heartbeat = startCronHeartbeat(tick);
  tick(); // catch up at once instead of at the first full minute
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) return resolve();
    ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await heartbeat.stop();
  await scheduler.stop();
  await metricsServer?.close();
  logOf(ctx)({ type: 'jobs.scheduler.stopped' });
  return 0;
}

async function list(app: JobsApp, argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { config: FLAGS.config, db: FLAGS.db }, app.help, ctx);
  if (!args) return 0;
  const config = loadConfig(app, args.values);
  // Read-only and without waiting: a scheduler or pipeline holding the file must not stall a listing.
  const last = existsSync(config.env.db) ? await new DuckDbJobStore({ path: config.env.db }).latestRuns() : new Map();
  const now = Date.now();
  const rows = config.jobs.map((j) => {
    const r = last?.get(j.definition.name);
    const next = j.enabled ? nextSlot(j.schedule, now, j.timeZone) : null;
    return [
      j.definition.name,
      j.enabled ? 'yes' : 'no',
      j.schedule.expression,
      j.timeZone,
      j.policy,
      `${j.retry.maxAttempts}× from ${formatDuration(j.retry.backoffMs)}`,
      next === null ? '–' : new Date(next).toISOString().slice(0, 16) + 'Z',
      last === null ? 'unknown (database held by another process)' : r ? `${new Date(r.scheduledFor).toISOString().slice(0, 16)}Z ${r.status} (attempt ${r.attempt}${r.rows === null ? '' : `, ${r.rows} rows`})` : 'never',
    ];
  });
  const head = ['job', 'enabled', 'schedule', 'time zone', 'policy', 'retries', 'next slot (UTC)', 'last run: slot, status'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) ctx.stdout.write(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ') + '\n');
  ctx.stdout.write(`database ${config.env.db}${existsSync(config.env.db) ? '' : ' (not created yet)'}\n`);
  return 0;
}

async function runOne(app: JobsApp, argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { ...FLAGS, for: { type: 'string' } }, app.help, ctx, true);
  if (!args) return 0;
  const [name, ...extra] = args.positionals;
  const names = app.registry.map((j) => j.name);
  if (!name) throw new UsageError(`name the job to run (${names.join(', ')})`);
  if (extra.length) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  if (!names.includes(name)) throw new UsageError(`unknown job "${name}" (known: ${names.join(', ')})`);
  const slot = parseTimeArg(args.values.for, '--for') ?? Date.now();
  const config = loadConfig(app, args.values);
  const scheduler = makeScheduler(config, logger(ctx, args.values.json), (n) => n === name, runLedgerOf(args.values, ctx));
  const onAbort = () => void scheduler.stop();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  const started = performance.now();
  try {
    const outcome = await scheduler.trigger(name, slot, 'manual');
    ctx.stdout.write(
      `${name} for ${new Date(slot).toISOString()}: ${outcome.status} after ${outcome.attempts} attempt${outcome.attempts === 1 ? '' : 's'} ` +
        `in ${formatDuration(performance.now() - started)}${outcome.rows === null ? '' : `, ${outcome.rows} rows`}${outcome.error ? ` — ${outcome.error}` : ''}\n`,
    );
    return outcome.status === 'succeeded' ? 0 : 1;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

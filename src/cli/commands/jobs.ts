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
import { parseHostPort } from '../flags/host-port.ts';
import { createJobMetrics } from '../../outputs/metrics/job-metrics.ts';
import { createMetricsRegistry } from '../../outputs/metrics/metrics-registry.ts';
import { startMetricsServer } from '../../outputs/metrics/start-metrics-server.ts';

function help(registry: readonly JobDefinition[]): string {
  return `Usage: citypulse jobs start [--config FILE] [--db FILE] [--json] [--metrics HOST:PORT]
       citypulse jobs list  [--config FILE] [--db FILE]
       citypulse jobs run NAME [--for TIME] [--config FILE] [--db FILE] [--json]

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

const FLAGS = { config: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' } } as const;
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

function makeScheduler(config: ResolvedJobsConfig, log: JobLogger, only?: (name: string) => boolean): Scheduler {
  const jobs = toScheduledJobs(config).filter((j) => !only || only(j.name));
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
  const scheduler = makeScheduler(config, log, (n) => enabled.has(n));
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
  const scheduler = makeScheduler(config, logger(ctx, args.values.json), (n) => n === name);
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

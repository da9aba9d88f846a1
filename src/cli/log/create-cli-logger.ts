import { formatAlertLogEvent, type AlertLogEvent, type AlertLogger } from '../../alerts/alert-log.ts';
import type { LogFormat, LogLevel } from '../../core/log/log-format.ts';
import { createLogger, type Logger } from '../../core/log/logger.ts';
import { formatDuration } from '../../core/duration.ts';
import { formatJobEvent } from '../../jobs/run/format-job-event.ts';
import type { JobEvent, JobLogger } from '../../jobs/run/job-event.ts';
import { formatHttpLogEvent, type HttpLogEvent, type HttpLogger } from '../../outputs/http/http-log.ts';
import type { LogEvent } from './log-event.ts';
import { AUTO_ABOVE_BYTES } from '../../core/heap-growth.ts';

type Own<T extends LogEvent['type']> = Extract<LogEvent, { type: T }>;
type OwnType = Exclude<LogEvent['type'], `http.${string}` | `alerts.${string}` | `job.${string}`>;

/** Text and level of each command event; a missing entry fails to compile. */
const OWN: { [T in OwnType]: { level: LogLevel | ((e: Own<T>) => LogLevel); text: (e: Own<T>) => string } } = {
  'cli.error': { level: 'error', text: (e) => `citypulse${e.command ? ` ${e.command}` : ''}: ${e.message}${e.stack ? `\n${e.stack}` : ''}` },
  'cli.signal': { level: 'warn', text: (e) => `citypulse: ${e.signal} received, finishing the batch in hand… (again to force)` },
  'key.loaded': {
    level: 'info',
    text: (e) =>
      e.source === 'config'
        ? 'pseudonymisation key: from $CITYPULSE_KEY'
        : e.source === 'created'
          ? `pseudonymisation key: created ${e.path} (mode 0600) — keep it secret and keep it: device ids depend on it`
          : `pseudonymisation key: ${e.path}`,
  },
  progress: { level: 'info', text: (e) => e.line },
  'kafka.log': { level: (e) => e.level, text: (e) => `kafka ${e.level === 'warn' ? 'warning' : e.level}: ${e.message}` },
  'ingest.rejected-all': {
    level: 'error',
    text: (e) => `ingest: accepted none of ${e.records} records from ${e.source} (${e.deadLetters} dead letters; see the dead_letters table)`,
  },
  'ingest.replaced': { level: 'info', text: (e) => `ingest: --replace: rebuilt the pipeline tables, dropping ${e.runs} earlier run${e.runs === 1 ? '' : 's'} (${e.source})` },
  'heap.growth': {
    level: 'info',
    text: (e) => `memory: the JS heap passed ${AUTO_ABOVE_BYTES / 1048576} MiB (${Math.round(e.heapBytes / 1048576)} MiB); from now on it grows at most ${e.percent} % past what survives a full collection (--heap-growth)`,
  },
  'stream.note': { level: 'info', text: (e) => `${e.component}: ${e.message}` },
  'ledger.note': { level: 'info', text: (e) => `ledger: ${e.message}` },
  'stream.checkpoint': {
    level: 'info',
    text: (p) =>
      `stream: checkpoint ${p.checkpoints} · ${p.messages} messages · ${p.accepted} accepted · ${p.deadLetters} dead · ${p.late} late · published to ${p.publishedUntil ? new Date(p.publishedUntil).toISOString() : '—'}`,
  },
  'simulate.future': {
    level: 'warn',
    text: (e) =>
      `simulate: ${e.share >= 1 ? 'the whole simulated period' : `${Math.round(e.share * 100)} % of the simulated period`} lies more than a day ahead of this machine's clock ` +
      `(${new Date(e.start).toISOString()} … ${new Date(e.end).toISOString()}); ingest and stream will dead-letter those events as timestamp_out_of_range — pick an earlier --start`,
  },
  'simulate.interrupted': { level: 'warn', text: (e) => `simulate: interrupted; ${e.out} holds a partial run` },
  'sql.written': { level: 'info', text: (e) => `${e.query}  ${e.rows} rows → ${e.out} (${e.format})` },
  'jobs.scheduler.started': {
    level: 'info',
    text: (e) => `jobs: scheduler started on ${e.db} — ${e.jobs.join(', ') || 'no jobs enabled'} (time zone ${e.timeZone}); SIGTERM/SIGINT stops after the running job`,
  },
  'jobs.scheduler.stopped': { level: 'info', text: () => 'jobs: scheduler stopped' },
  'demo.step.started': { level: 'info', text: (e) => `\n▶ ${e.title}` },
  'demo.step.finished': { level: 'info', text: (e) => `  done in ${formatDuration(e.ms)}` },
};

const HTTP_LEVEL: Record<HttpLogEvent['type'], LogLevel> = { listening: 'info', request: 'info', error: 'error', closing: 'info', closed: 'info' };
const ALERT_LEVEL: Record<AlertLogEvent['type'], LogLevel> = {
  alert: 'info',
  baseline_seeded: 'info',
  webhook_retry: 'warn',
  webhook_failed: 'error',
  webhook_dropped: 'warn',
  kafka_send_failed: 'warn',
  kafka_dropped: 'warn',
  file_write_failed: 'error',
  tail_skipped: 'warn',
};
const JOB_LEVEL: Record<JobEvent['type'], LogLevel> = {
  'attempt.start': 'info',
  'attempt.end': 'info',
  'slot.held': 'info',
  'slot.settled': 'info',
  'slot.overlap': 'warn',
  'slots.skipped': 'warn',
  'scheduler.error': 'error',
};

/** Splits `http.request` into its scope and the domain's own type. */
function unscope(type: string): [string, string] {
  const dot = type.indexOf('.');
  return [type.slice(0, dot), type.slice(dot + 1)];
}

/** The level of any {@link LogEvent}. */
export function logLevelOf(e: LogEvent): LogLevel {
  const [scope, inner] = unscope(e.type);
  if (scope === 'http') return HTTP_LEVEL[inner as HttpLogEvent['type']];
  if (scope === 'alerts') return ALERT_LEVEL[inner as AlertLogEvent['type']];
  if (scope === 'job') return JOB_LEVEL[inner as JobEvent['type']];
  const own = OWN[e.type as OwnType] as { level: LogLevel | ((x: LogEvent) => LogLevel) };
  return typeof own.level === 'function' ? own.level(e) : own.level;
}

/** The readable line of any {@link LogEvent} (no newline). */
export function logText(e: LogEvent): string {
  const [scope, inner] = unscope(e.type);
  const domain = { ...e, type: inner };
  if (scope === 'http') return formatHttpLogEvent(domain as HttpLogEvent);
  if (scope === 'alerts') return formatAlertLogEvent(domain as AlertLogEvent);
  if (scope === 'job') return formatJobEvent(domain as JobEvent);
  return (OWN[e.type as OwnType] as { text: (x: LogEvent) => string }).text(e);
}

/** Configuration of {@link createCliLogger}. */
export interface CliLoggerConfig {
  /** Where lines go (stderr). */
  stream: NodeJS.WritableStream;
  /** `text` (default) or `json`. */
  format?: LogFormat;
  /** Lowest level written. Default `info`. */
  minLevel?: LogLevel;
  /** Prefix text lines with the time (long-running processes). */
  timestamps?: boolean;
}

/**
 * The one logger of commands and jobs: every {@link LogEvent} as a readable line, or as a JSON line
 * (`--log-format json` / `CITYPULSE_LOG_FORMAT=json`).
 */
export function createCliLogger(config: CliLoggerConfig): Logger<LogEvent> {
  return createLogger<LogEvent>({
    format: config.format ?? 'text',
    write: (line) => void config.stream.write(line),
    text: logText,
    level: logLevelOf,
    ...(config.minLevel ? { minLevel: config.minLevel } : {}),
    ...(config.timestamps ? { timestamps: true } : {}),
  });
}

/** The HTTP server's logger, feeding `log` with `http.*` events. */
export function httpLoggerOf(log: Logger<LogEvent>): HttpLogger {
  return (e) => log({ ...e, type: `http.${e.type}` } as LogEvent);
}

/** The alerting plugin's logger, feeding `log` with `alerts.*` events. */
export function alertLoggerOf(log: Logger<LogEvent>): AlertLogger {
  return (e) => log({ ...e, type: `alerts.${e.type}` } as LogEvent);
}

/** The job scheduler's logger, feeding `log` with `job.*` events. */
export function jobLoggerOf(log: Logger<LogEvent>): JobLogger {
  return (e) => log({ ...e, type: `job.${e.type}` } as LogEvent);
}

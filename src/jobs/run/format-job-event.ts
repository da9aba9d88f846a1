import type { JobEvent } from './job-event.ts';

const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');
const secs = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

const formatters: { [T in JobEvent['type']]: (e: Extract<JobEvent, { type: T }>) => string } = {
  'attempt.start': (e) => `${e.job} ${iso(e.scheduledFor)}: attempt ${e.attempt} started (${e.trigger})`,
  'attempt.end': (e) =>
    `${e.job} ${iso(e.scheduledFor)}: attempt ${e.attempt} ${e.status} in ${secs(e.ms)}` +
    (e.rows !== null ? `, ${e.rows} rows` : '') +
    (e.error ? ` — ${e.error}` : '') +
    (e.retryInMs !== null ? `; retrying in ${secs(e.retryInMs)}` : ''),
  'slot.held': (e) => `${e.job} ${iso(e.scheduledFor)}: locked by another process, left to it`,
  'slot.settled': (e) => `${e.job} ${iso(e.scheduledFor)}: already done`,
  'slot.overlap': (e) => `${e.job} ${iso(e.scheduledFor)}: already queued or running here, not started again`,
  'slots.skipped': (e) => `${e.job}: skipped ${e.count} missed slot${e.count === 1 ? '' : 's'} ${iso(e.firstMs)} … ${iso(e.lastMs)}`,
  'scheduler.error': (e) => `${e.job ?? 'scheduler'}: ${e.error}`,
};

/** One readable log line for a {@link JobEvent} (no timestamp prefix, no newline). */
export function formatJobEvent(e: JobEvent): string {
  return (formatters[e.type] as (x: JobEvent) => string)(e);
}

import type { Alert } from '../../schemas/alert.ts';

/** What the alerting plugin reports to its logger (typed, like Kysely's LogEvent). */
export type AlertLogEvent =
  | { type: 'alert'; alert: Alert }
  | { type: 'baseline_seeded'; areas: number; windows: number; from: number; to: number }
  | { type: 'webhook_retry'; url: string; alertId: string; seq: number; attempt: number; delayMs: number; error: string }
  | { type: 'webhook_failed'; url: string; alertId: string; seq: number; attempts: number; error: string }
  | { type: 'webhook_dropped'; url: string; alertId: string; seq: number; reason: 'queue_full' | 'closed' }
  | { type: 'kafka_send_failed'; topic: string; pending: number; retryInMs: number; error: string }
  | { type: 'kafka_dropped'; topic: string; count: number; reason: 'outbox_full' | 'closed' }
  | { type: 'file_write_failed'; path: string; pending: number; error: string }
  | { type: 'tail_skipped'; partition: number; offset: string; error: string };

/** Receives {@link AlertLogEvent}s. Library code never prints; entry points choose the format. */
export type AlertLogger = (event: AlertLogEvent) => void;

/** A logger that drops everything (the default). */
export const silentAlertLogger: AlertLogger = () => {};

/** One readable line for a terminal. */
export function formatAlertLogEvent(e: AlertLogEvent): string {
  switch (e.type) {
    case 'alert':
      return `alert    ${e.alert.state.padEnd(12)} ${e.alert.message}`;
    case 'baseline_seeded':
      return `alerts   baseline: ${e.windows} area-windows of history for ${e.areas} areas from the presence table`;
    case 'webhook_retry':
      return `alerts   webhook ${e.url}: attempt ${e.attempt} for ${e.alertId}#${e.seq} failed (${e.error}); retrying in ${e.delayMs} ms`;
    case 'webhook_failed':
      return `alerts   webhook ${e.url}: gave up on ${e.alertId}#${e.seq} after ${e.attempts} attempts (${e.error})`;
    case 'webhook_dropped':
      return `alerts   webhook ${e.url}: dropped ${e.alertId}#${e.seq} (${e.reason === 'queue_full' ? 'queue full' : 'shutting down'})`;
    case 'kafka_send_failed':
      return `alerts   kafka ${e.topic}: send failed (${e.error}); ${e.pending} alerts pending, retrying in ${e.retryInMs} ms`;
    case 'kafka_dropped':
      return `alerts   kafka ${e.topic}: dropped ${e.count} alerts (${e.reason === 'outbox_full' ? 'outbox full' : 'not delivered before shutdown'})`;
    case 'file_write_failed':
      return `alerts   ${e.path}: write failed (${e.error}); ${e.pending} alerts pending`;
    case 'tail_skipped':
      return `alerts tail: skipping partition ${e.partition} offset ${e.offset}: not an alert (${e.error})`;
  }
}

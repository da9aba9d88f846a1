import type { AlertLogger } from '../alert-log.ts';
import type { Alert } from '../../../schemas/alert.ts';
import { formatAlertLine } from './format-alert-line.ts';

/** The subset of a kafkajs `Consumer` the tail uses. */
export interface AlertConsumer {
  connect(): Promise<void>;
  subscribe(s: { topic: string; fromBeginning?: boolean }): Promise<void>;
  run(r: { eachMessage: (p: { partition: number; message: { offset: string; value: Buffer | null } }) => Promise<void> }): Promise<void>;
  disconnect(): Promise<void>;
}

/** Configuration of {@link tailAlerts}. */
export interface TailAlertsConfig {
  consumer: AlertConsumer;
  /** Default `crowd-alerts`. */
  topic: string;
  /** Start at the oldest retained alert instead of new ones. Default false. */
  fromBeginning?: boolean;
  /** Print each alert's JSON (one per line) instead of the readable line. Default false. */
  json?: boolean;
  out: NodeJS.WritableStream;
  /** Where a message that is not an alert is reported (`tail_skipped`); default: dropped. */
  logger?: AlertLogger;
  /** Stops the tail (SIGINT). */
  signal: AbortSignal;
  /** Called after each printed alert (tests, counters). */
  onAlert?: (a: Alert) => void;
}

/**
 * Prints alerts from a Kafka topic as they arrive, one line each, until `signal` aborts. Redeliveries
 * (same alert_id and seq, allowed by at-least-once publishing) are printed once. Resolves to the number
 * of alerts printed.
 */
export async function tailAlerts(c: TailAlertsConfig): Promise<number> {
  const seen = new Set<string>();
  let printed = 0;
  const { consumer, signal } = c;
  if (signal.aborted) return 0;
  const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: c.topic, fromBeginning: c.fromBeginning ?? false });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const text = message.value?.toString('utf8') ?? '';
        let a: Alert;
        try {
          a = JSON.parse(text) as Alert;
          if (typeof a?.alert_id !== 'string' || typeof a.seq !== 'number') throw new Error('no alert_id/seq');
        } catch (err) {
          c.logger?.({ type: 'tail_skipped', partition, offset: message.offset, error: (err as Error).message });
          return;
        }
        const key = `${a.alert_id}:${a.seq}`;
        if (seen.has(key)) return;
        seen.add(key);
        if (seen.size > 100_000) seen.delete(seen.values().next().value!);
        c.out.write((c.json ? text : formatAlertLine(a)) + '\n');
        printed++;
        c.onAlert?.(a);
      },
    });
    await stopped;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return printed;
}

import type { Alert } from '../../../schemas/alert.ts';
import { silentAlertLogger, type AlertLogger } from '../alert-log.ts';

/** The default topic of crowd alerts. */
export const DEFAULT_ALERT_TOPIC = 'crowd-alerts';

/** The subset of a kafkajs `Producer` the publisher uses. */
export interface AlertProducer {
  connect(): Promise<void>;
  send(record: { topic: string; messages: { key: string; value: string; headers?: Record<string, string> }[] }): Promise<unknown>;
  disconnect(): Promise<void>;
}

/** Configuration of a {@link KafkaAlertPublisher}. */
export interface KafkaAlertPublisherConfig {
  producer: AlertProducer;
  /** Default {@link DEFAULT_ALERT_TOPIC}. */
  topic?: string;
  /** Alerts kept for a broker that is down; beyond it the oldest are dropped (and logged). Default 10 000. */
  outboxLimit?: number;
  /** Messages per send. Default 500. */
  batchSize?: number;
  /** Delay before retrying a failed send, ms, doubling up to 30 s. Default 1 000. */
  retryMs?: number;
  logger?: AlertLogger;
}

/**
 * Publishes alerts to a Kafka topic, keyed by area id (one partition per area keeps its events in
 * order), value = JSON per alert.schema.json, headers `alert_id`, `seq`, `kind`, `level`, `state`.
 *
 * Never blocks the caller: {@link enqueue} adds to an outbox that a background loop sends from, and an
 * alert leaves the outbox only when the broker acknowledged it. The outbox is part of the plugin
 * snapshot (stored with the offsets), so alerts emitted before a crash are sent after the restart:
 * delivery is **at-least-once**; consumers dedupe on (alert_id, seq).
 */
export class KafkaAlertPublisher {
  readonly topic: string;
  readonly stats = { sent: 0, failedSends: 0, dropped: 0 };
  readonly #producer: AlertProducer;
  readonly #limit: number;
  readonly #batch: number;
  readonly #retryMs: number;
  readonly #log: AlertLogger;
  #outbox: Alert[] = [];
  #connected = false;
  #loop: Promise<void> | null = null;
  #closed = false;
  #wake: (() => void) | null = null;

  constructor(config: KafkaAlertPublisherConfig) {
    this.#producer = config.producer;
    this.topic = config.topic ?? DEFAULT_ALERT_TOPIC;
    this.#limit = config.outboxLimit ?? 10_000;
    this.#batch = config.batchSize ?? 500;
    this.#retryMs = config.retryMs ?? 1_000;
    this.#log = config.logger ?? silentAlertLogger;
  }

  /** Number of alerts not yet acknowledged. */
  get pending(): number {
    return this.#outbox.length;
  }

  /** Alerts not yet acknowledged by the broker, oldest first (a copy: snapshot material). */
  get outbox(): Alert[] {
    return [...this.#outbox];
  }

  /** Puts alerts back in the outbox after a restore (before anything new). */
  restoreOutbox(alerts: readonly Alert[]): void {
    this.#outbox = [...alerts, ...this.#outbox];
    this.#trim();
  }

  /** Adds alerts to the outbox and makes sure the send loop runs. Returns at once. */
  enqueue(alerts: readonly Alert[]): void {
    if (this.#closed) {
      if (alerts.length > 0) this.#log({ type: 'kafka_dropped', topic: this.topic, count: alerts.length, reason: 'closed' });
      return;
    }
    this.#outbox.push(...alerts);
    this.#trim();
    this.#ensureLoop();
  }

  #ensureLoop(): void {
    if (this.#loop || this.#closed || this.#outbox.length === 0) return;
    this.#loop = this.#run().finally(() => {
      this.#loop = null;
      this.#ensureLoop();
    });
  }

  /** Waits until the outbox is empty, or `timeoutMs` passed. Resolves true when empty. */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#outbox.length > 0 && this.#loop && Date.now() < deadline) await sleep(Math.min(20, deadline - Date.now()));
    return this.#outbox.length === 0;
  }

  /** Flushes for up to `timeoutMs`, then stops the loop and disconnects. Undelivered alerts are logged. */
  async close(timeoutMs = 10_000): Promise<void> {
    await this.flush(timeoutMs);
    this.#closed = true;
    this.#wake?.();
    await this.#loop;
    if (this.#outbox.length > 0) this.#log({ type: 'kafka_dropped', topic: this.topic, count: this.#outbox.length, reason: 'closed' });
    if (this.#connected) await this.#producer.disconnect().catch(() => undefined);
    this.#connected = false;
  }

  async #run(): Promise<void> {
    let delay = this.#retryMs;
    while (this.#outbox.length > 0 && !this.#closed) {
      const batch = this.#outbox.slice(0, this.#batch);
      try {
        if (!this.#connected) {
          await this.#producer.connect();
          this.#connected = true;
        }
        await this.#producer.send({
          topic: this.topic,
          messages: batch.map((a) => ({
            key: a.area_id,
            value: JSON.stringify(a),
            headers: { alert_id: a.alert_id, seq: String(a.seq), kind: a.kind, level: a.level, state: a.state },
          })),
        });
        // Drop exactly what was sent (the outbox may have been trimmed meanwhile).
        const sent = new Set(batch);
        this.#outbox = this.#outbox.filter((a) => !sent.has(a));
        this.stats.sent += batch.length;
        delay = this.#retryMs;
      } catch (err) {
        this.stats.failedSends++;
        this.#log({ type: 'kafka_send_failed', topic: this.topic, pending: this.#outbox.length, retryInMs: delay, error: (err as Error).message ?? String(err) });
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => {
            this.#wake = null;
            resolve();
          }, delay);
          this.#wake = () => {
            clearTimeout(t);
            this.#wake = null;
            resolve();
          };
        });
        delay = Math.min(30_000, delay * 2);
      }
    }
  }

  #trim(): void {
    const over = this.#outbox.length - this.#limit;
    if (over > 0) {
      this.#outbox.splice(0, over);
      this.stats.dropped += over;
      this.#log({ type: 'kafka_dropped', topic: this.topic, count: over, reason: 'outbox_full' });
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

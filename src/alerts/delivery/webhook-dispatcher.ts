import type { Alert } from '../../../schemas/alert.ts';
import { silentAlertLogger, type AlertLogger } from '../alert-log.ts';

/** Configuration of a {@link WebhookDispatcher}. */
export interface WebhookConfig {
  /** Endpoints; each alert is POSTed to every one, as JSON (alert.schema.json). */
  urls: readonly string[];
  /** Attempts per alert and URL, the first included. Default 6. */
  maxAttempts?: number;
  /** Delay before the 2nd attempt, ms; doubles each time. Default 500. */
  initialBackoffMs?: number;
  /** Longest delay between attempts, ms. Default 30 000. */
  maxBackoffMs?: number;
  /** Random spread of each delay, ± this fraction. Default 0.2. */
  jitter?: number;
  /** Per-request timeout, ms. Default 5 000. */
  timeoutMs?: number;
  /** Alerts waiting per URL; when full the oldest is dropped (and logged). Default 1 000. */
  queueLimit?: number;
  /** Extra request headers (e.g. an Authorization token). */
  headers?: Readonly<Record<string, string>>;
  logger?: AlertLogger;
  /** Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Default Math.random (jitter). */
  random?: () => number;
}

/** Counters of a {@link WebhookDispatcher}. */
export interface WebhookStats {
  delivered: number;
  retries: number;
  failed: number;
  dropped: number;
}

/**
 * Delivers alerts to HTTP endpoints without ever blocking the caller: {@link enqueue} only queues.
 * One worker per URL posts in order (an escalation never overtakes its open), retrying network
 * errors, timeouts, 408, 429 and 5xx with exponential backoff; other 4xx are not retried. Each
 * request carries `Idempotency-Key: <alert_id>:<seq>` so receivers can drop the duplicates that
 * at-least-once delivery allows. Queues are bounded (drop oldest).
 */
export class WebhookDispatcher {
  readonly stats: WebhookStats = { delivered: 0, retries: 0, failed: 0, dropped: 0 };
  readonly #c: Required<Omit<WebhookConfig, 'urls' | 'headers'>> & { headers: Readonly<Record<string, string>> };
  readonly #queues = new Map<string, Alert[]>();
  readonly #workers = new Map<string, Promise<void>>();
  readonly #stop = new AbortController();

  constructor(config: WebhookConfig) {
    for (const u of config.urls) {
      let url: URL;
      try {
        url = new URL(u);
      } catch {
        throw new RangeError(`webhook: not a URL: ${u}`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RangeError(`webhook: only http(s) URLs, got ${u}`);
      this.#queues.set(u, []);
    }
    this.#c = {
      maxAttempts: config.maxAttempts ?? 6,
      initialBackoffMs: config.initialBackoffMs ?? 500,
      maxBackoffMs: config.maxBackoffMs ?? 30_000,
      jitter: config.jitter ?? 0.2,
      timeoutMs: config.timeoutMs ?? 5_000,
      queueLimit: config.queueLimit ?? 1_000,
      headers: config.headers ?? {},
      logger: config.logger ?? silentAlertLogger,
      fetch: config.fetch ?? globalThis.fetch,
      random: config.random ?? Math.random,
    };
  }

  /** Alerts queued or in flight, all URLs. */
  get pending(): number {
    let n = 0;
    for (const q of this.#queues.values()) n += q.length;
    return n;
  }

  /** Queues alerts for every URL and returns at once. */
  enqueue(alerts: readonly Alert[]): void {
    if (alerts.length === 0) return;
    for (const [url, q] of this.#queues) {
      for (const a of alerts) {
        if (this.#stop.signal.aborted) {
          this.#drop(url, a, 'closed');
          continue;
        }
        q.push(a);
        // The head may be in flight: drop the oldest one behind it.
        if (q.length > this.#c.queueLimit) this.#drop(url, q.splice(q.length > 1 ? 1 : 0, 1)[0]!, 'queue_full');
      }
      if (!this.#workers.has(url) && q.length > 0) {
        const w = this.#work(url, q).finally(() => this.#workers.delete(url));
        this.#workers.set(url, w);
      }
    }
  }

  /** Waits until every queue is empty, or `timeoutMs` passed. Resolves true when all was delivered. */
  async drain(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#workers.size > 0 && Date.now() < deadline) {
      const timer = new AbortController();
      try {
        await Promise.race([Promise.all(this.#workers.values()), sleep(Math.max(1, deadline - Date.now()), timer.signal)]);
      } finally {
        timer.abort();
      }
    }
    return this.pending === 0;
  }

  /** Drains for up to `timeoutMs`, then stops: what is left is dropped and logged. */
  async close(timeoutMs = 10_000): Promise<void> {
    await this.drain(timeoutMs);
    this.#stop.abort();
    await Promise.allSettled(this.#workers.values());
    for (const [url, q] of this.#queues) for (const a of q.splice(0)) this.#drop(url, a, 'closed');
  }

  async #work(url: string, q: Alert[]): Promise<void> {
    while (q.length > 0 && !this.#stop.signal.aborted) {
      const alert = q[0]!;
      await this.#deliver(url, alert);
      if (q[0] === alert) q.shift();
    }
  }

  async #deliver(url: string, alert: Alert): Promise<void> {
    const body = JSON.stringify(alert);
    for (let attempt = 1; ; attempt++) {
      let error: string;
      let retriable = true;
      try {
        const res = await this.#c.fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': `${alert.alert_id}:${alert.seq}`,
            'x-citypulse-alert-id': alert.alert_id,
            'x-citypulse-alert-seq': String(alert.seq),
            ...this.#c.headers,
          },
          body,
          signal: AbortSignal.any([AbortSignal.timeout(this.#c.timeoutMs), this.#stop.signal]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          this.stats.delivered++;
          return;
        }
        error = `HTTP ${res.status}`;
        retriable = res.status >= 500 || res.status === 408 || res.status === 429;
      } catch (err) {
        error = (err as Error).name === 'TimeoutError' ? `timeout after ${this.#c.timeoutMs} ms` : ((err as Error).message ?? String(err));
      }
      if (this.#stop.signal.aborted) return;
      if (!retriable || attempt >= this.#c.maxAttempts) {
        this.stats.failed++;
        this.#c.logger({ type: 'webhook_failed', url, alertId: alert.alert_id, seq: alert.seq, attempts: attempt, error });
        return;
      }
      const base = Math.min(this.#c.maxBackoffMs, this.#c.initialBackoffMs * 2 ** (attempt - 1));
      const delayMs = Math.round(base * (1 + this.#c.jitter * (2 * this.#c.random() - 1)));
      this.stats.retries++;
      this.#c.logger({ type: 'webhook_retry', url, alertId: alert.alert_id, seq: alert.seq, attempt, delayMs, error });
      await sleep(delayMs, this.#stop.signal);
    }
  }

  #drop(url: string, a: Alert, reason: 'queue_full' | 'closed'): void {
    this.stats.dropped++;
    this.#c.logger({ type: 'webhook_dropped', url, alertId: a.alert_id, seq: a.seq, reason });
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../schemas/alert.ts';
import type { AlertLogEvent } from '../../src/alerts/alert-log.ts';
import { WebhookDispatcher } from '../../src/alerts/delivery/webhook-dispatcher.ts';
import { createAlerting } from '../../src/alerts/plugin/create-alerting.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { T0, W } from './support/areas.ts';
import { httpReceiver } from './support/http-receiver.ts';
import { PARK_AREA, STADIUM_AREA, presenceRows } from './support/presence.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function fakeAlert(seq: number): Alert {
  return {
    alert_id: '0123456789abcdef0123456789abcdef', seq, area_id: 'stadium', area_name: 'San Siro', kind: 'capacity',
    level: 'warning', previous_level: null, peak_level: 'warning', state: 'open', window_start: '2026-03-02T18:00:00.000Z',
    window_end: '2026-03-02T18:15:00.000Z', opened_window_start: '2026-03-02T18:00:00.000Z', devices: 42_000, people: 42_000,
    capacity: 50_000, occupancy: 0.84, area_km2: 0.74, density_per_km2: 56_756.8, value: 42_000, threshold: 40_000,
    forecast_people: null, forecast_at: null, baseline_people: null, z_score: null, message: 'x',
    window_closed_at: '2026-03-02T18:20:00.000Z', emitted_at: '2026-03-02T18:20:00.002Z',
  };
}

describe('webhooks (real HTTP server on 127.0.0.1)', () => {
  it('retries a failing first attempt with backoff, then delivers; in order; with an idempotency key', async () => {
    const rx = await httpReceiver([503]);
    cleanup.push(rx.close);
    const log: AlertLogEvent[] = [];
    const d = new WebhookDispatcher({ urls: [rx.url], initialBackoffMs: 50, jitter: 0, logger: (e) => log.push(e) });
    d.enqueue([fakeAlert(0), fakeAlert(1)]);
    // enqueue only queues: nothing has reached the server when it returns.
    expect(rx.received).toHaveLength(0);
    expect(d.pending).toBe(2);
    expect(await d.drain(10_000)).toBe(true);
    expect(rx.received.map((r) => [r.status, (JSON.parse(r.body) as Alert).seq])).toEqual([[503, 0], [200, 0], [200, 1]]);
    expect(rx.received[1]!.headers['idempotency-key']).toBe('0123456789abcdef0123456789abcdef:0');
    expect(rx.received[1]!.headers['content-type']).toBe('application/json');
    expect(d.stats).toEqual({ delivered: 2, retries: 1, failed: 0, dropped: 0 });
    expect(log).toEqual([{ type: 'webhook_retry', url: rx.url, alertId: '0123456789abcdef0123456789abcdef', seq: 0, attempt: 1, delayMs: 50, error: 'HTTP 503' }]);
    await d.close();
  });

  it('gives up after maxAttempts, does not retry a 4xx, and keeps going with the next alert', async () => {
    const rx = await httpReceiver([500, 500, 400]);
    cleanup.push(rx.close);
    const d = new WebhookDispatcher({ urls: [rx.url], maxAttempts: 2, initialBackoffMs: 10, jitter: 0 });
    d.enqueue([fakeAlert(0), fakeAlert(1), fakeAlert(2)]);
    await d.drain(10_000);
    expect(rx.received.map((r) => [r.status, (JSON.parse(r.body) as Alert).seq])).toEqual([[500, 0], [500, 0], [400, 1], [200, 2]]);
    expect(d.stats).toEqual({ delivered: 1, retries: 1, failed: 2, dropped: 0 });
    await d.close();
  });

  it('a dead endpoint does not block a live one; the queue is bounded (oldest dropped); close gives up in time', async () => {
    const rx = await httpReceiver();
    cleanup.push(rx.close);
    const log: AlertLogEvent[] = [];
    const dead = 'http://127.0.0.1:9/never';
    const d = new WebhookDispatcher({ urls: [dead, rx.url], queueLimit: 3, initialBackoffMs: 60_000, jitter: 0, logger: (e) => log.push(e) });
    d.enqueue([0, 1, 2, 3, 4].map(fakeAlert));
    // The live endpoint gets the head and the two newest while the dead one waits out its backoff.
    for (let i = 0; i < 200 && rx.received.length < 3; i++) await new Promise((r) => setTimeout(r, 25));
    expect(rx.received.map((r) => (JSON.parse(r.body) as Alert).seq)).toEqual([0, 3, 4]);
    const dropped = log.filter((e) => e.type === 'webhook_dropped' && e.reason === 'queue_full');
    expect(dropped.length).toBe(4); // 2 per endpoint: 5 alerts into queues of 3
    await d.close(200);
    expect(log.some((e) => e.type === 'webhook_dropped' && e.reason === 'closed' && e.url === dead)).toBe(true);
  });

  it('createAlerting POSTs each alert after commit without blocking the pipeline', async () => {
    const rx = await httpReceiver([502]);
    cleanup.push(rx.close);
    const db: Database = await openDatabase(':memory:');
    cleanup.push(() => db.close());
    const p = createAlerting({ areas: [STADIUM_AREA, PARK_AREA], kinds: ['capacity'], webhooks: { urls: [rx.url], initialBackoffMs: 20, jitter: 0 } });
    const counts = [1_000, 35_000, 42_000, 10_000, 1_000];
    for (let i = 0; i < counts.length; i++) {
      p.onWindowsClosed(presenceRows(T0 + i * W, counts[i]!, 100));
      await p.flush(db.connection);
      await p.afterCommit!();
    }
    await p.close();
    const ok = rx.received.filter((r) => r.status === 200).map((r) => JSON.parse(r.body) as Alert);
    expect(ok.map((a) => `${a.state} ${a.level}`)).toEqual(['open notice', 'escalated warning', 'resolved warning']);
    expect(rx.received[0]!.status).toBe(502);
    expect(new Set(ok.map((a) => a.alert_id)).size).toBe(1);
  });
});

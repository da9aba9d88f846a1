// Kafka delivery and `citypulse alerts tail` against the real test broker (test/kafka/broker.ts).
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../schemas/alert.ts';
import { KafkaAlertPublisher } from '../../src/alerts/delivery/kafka-alert-publisher.ts';
import { createAlerting } from '../../src/alerts/plugin/create-alerting.ts';
import { main } from '../../src/cli/main.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { ensureBroker, uniqueTopic } from '../kafka/broker.ts';
import { T0, W } from './support/areas.ts';
import { cliContext } from './support/cli-context.ts';
import { PARK_AREA, STADIUM_AREA, presenceRows } from './support/presence.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const broker = await ensureBroker();
if (broker.skipped) console.warn(`[kafka tests skipped] ${broker.skipped}`);

const kafka = () => new Kafka({ clientId: 'citypulse-alerts-test', brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } });
const SURGE = [1_000, 35_000, 42_000, 50_500, 30_000, 10_000, 1_000];

async function waitFor(what: string, cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function createTopic(topic: string): Promise<void> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Runs the surge through a plugin publishing to `topic`; returns the alerts it emitted. */
async function publishSurge(topic: string): Promise<Alert[]> {
  const db = await openDatabase(':memory:');
  const emitted: Alert[] = [];
  const p = createAlerting({
    areas: [STADIUM_AREA, PARK_AREA],
    kinds: ['capacity', 'forecast'],
    kafka: { producer: kafka().producer(), topic },
    logger: (e) => e.type === 'alert' && emitted.push(e.alert),
  });
  try {
    for (let i = 0; i < SURGE.length; i++) {
      p.onWindowsClosed(presenceRows(T0 + i * W, SURGE[i]!, 100));
      await p.flush(db.connection);
      await p.afterCommit!();
    }
  } finally {
    await p.close();
    db.close();
  }
  return emitted;
}

describe.skipIf(!!broker.skipped)('Kafka alert topic and alerts tail (real broker)', () => {
  const stops: AbortController[] = [];
  afterAll(() => stops.forEach((s) => s.abort()));

  it('publishes every alert keyed by area id, JSON per the schema, with alert_id/seq headers', async () => {
    const topic = uniqueTopic('crowd-alerts');
    await createTopic(topic);
    const emitted = await publishSurge(topic);
    expect(emitted.length).toBeGreaterThan(3);
    const consumer = kafka().consumer({ groupId: uniqueTopic('g'), maxWaitTimeInMs: 200 });
    const got: { key: string; partition: number; value: Alert; headers: Record<string, string> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        got.push({ key: message.key!.toString(), partition, value: JSON.parse(message.value!.toString()) as Alert, headers });
      },
    });
    try {
      await waitFor('all alerts on the topic', () => got.length >= emitted.length);
    } finally {
      await consumer.disconnect();
    }
    expect(got.map((g) => g.value)).toEqual(emitted);
    expect(new Set(got.map((g) => g.key))).toEqual(new Set(['stadium']));
    expect(new Set(got.map((g) => g.partition)).size).toBe(1);
    expect(got[0]!.headers).toMatchObject({ alert_id: emitted[0]!.alert_id, seq: '0', kind: emitted[0]!.kind, state: 'open' });
  });

  it('broker unreachable: alerts wait in the outbox, travel in the snapshot, and a restarted plugin delivers them', async () => {
    const topic = uniqueTopic('crowd-alerts');
    await createTopic(topic);
    const dead = new Kafka({ clientId: 'dead', brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING, connectionTimeout: 200, retry: { retries: 0 } });
    const db = await openDatabase(':memory:');
    const failures: string[] = [];
    const first = createAlerting({
      areas: [STADIUM_AREA, PARK_AREA],
      kinds: ['capacity'],
      kafka: { producer: dead.producer({ retry: { retries: 0 } }), topic },
      closeTimeoutMs: 100,
      logger: (e) => (e.type === 'kafka_send_failed' || e.type === 'kafka_dropped') && failures.push(e.type),
    });
    for (let i = 0; i < SURGE.length; i++) {
      first.onWindowsClosed(presenceRows(T0 + i * W, SURGE[i]!, 100));
      await first.flush(db.connection);
      await first.afterCommit!();
    }
    await waitFor('a failed send', () => failures.includes('kafka_send_failed'));
    const saved = JSON.parse(JSON.stringify(first.snapshot()));
    await first.close();
    db.close();
    expect(saved.outbox.kafka.map((a: Alert) => `${a.state} ${a.level}`)).toEqual(['open notice', 'escalated warning', 'escalated critical', 'resolved critical']);

    const second = createAlerting({ areas: [STADIUM_AREA, PARK_AREA], kinds: ['capacity'], kafka: { producer: kafka().producer(), topic } });
    second.restore(saved);
    await second.afterCommit!();
    await second.close();
    const consumer = kafka().consumer({ groupId: uniqueTopic('g'), maxWaitTimeInMs: 200 });
    const got: Alert[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void got.push(JSON.parse(message.value!.toString()) as Alert) });
    try {
      await waitFor('the restored alerts', () => got.length >= 4);
    } finally {
      await consumer.disconnect();
    }
    expect(got).toEqual(saved.outbox.kafka);
  });

  it('citypulse alerts tail prints one line per alert as they arrive, once per (alert_id, seq)', async () => {
    const topic = uniqueTopic('crowd-alerts');
    await createTopic(topic);
    const stop = new AbortController();
    stops.push(stop);
    const c = cliContext({ CITYPULSE_BROKERS: broker.brokers.join(',') }, stop.signal);
    const lines = () => c.stdout().split('\n').filter(Boolean);
    const tail = main(['alerts', 'tail', '--topic', topic, '--from-beginning'], c.ctx);
    const emitted = await publishSurge(topic);
    // At-least-once: a redelivered alert (same alert_id and seq) is printed once.
    const p = new KafkaAlertPublisher({ producer: kafka().producer(), topic });
    p.enqueue([emitted[1]!]);
    await p.close();
    await waitFor('tail output', () => lines().length >= emitted.length);
    await new Promise((r) => setTimeout(r, 500));
    stop.abort();
    expect(await tail).toBe(0);
    const out = lines();
    expect(out).toHaveLength(emitted.length);
    expect(out).toContain('2026-03-02 17:15–17:30Z  open         notice    capacity  San Siro (stadium)  35,000/50,000 (70%)');
    expect(out).toContain('2026-03-02 17:45–18:00Z  escalated    critical  capacity  San Siro (stadium)  50,500/50,000 (101%)');
    expect(out).toContain('2026-03-02 17:30–17:45Z  open         critical  forecast  San Siro (stadium)  42,000/50,000 (84%)  → 87,500 by 18:00Z');
    expect(c.stderr()).toBe('');
  });

  it('alerts tail --json prints the alert JSON', async () => {
    const topic = uniqueTopic('crowd-alerts');
    await createTopic(topic);
    const emitted = await publishSurge(topic);
    const stop = new AbortController();
    stops.push(stop);
    const c = cliContext({}, stop.signal);
    const tail = main(['alerts', 'tail', '--brokers', broker.brokers.join(','), '--topic', topic, '--from-beginning', '--json'], c.ctx);
    await waitFor('tail output', () => c.stdout().split('\n').filter(Boolean).length >= emitted.length);
    stop.abort();
    expect(await tail).toBe(0);
    expect(c.stdout().trim().split('\n').map((l) => JSON.parse(l))).toEqual(emitted);
  });
});

// The new alert kinds on the Kafka alert topic (real test broker): a visitors_origin incident raised by
// the alerting plugin's source is published like crowd alerts (slowdowns share the same path).
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../schemas/alert.ts';
import { createAlerting } from '../../src/alerts/plugin/create-alerting.ts';
import { visitorOriginAlertSource } from '../../src/alerts/sources/visitor-origin-alert-source.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { writeAreaVisitors } from '../../src/population/duckdb/write-area-visitors.ts';
import { ensurePopulationTables } from '../../src/population/duckdb/write-device-mcc.ts';
import { area, T0, W } from '../alerts/support/areas.ts';
import { ensureBroker, uniqueTopic } from './broker.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const broker = await ensureBroker();
if (broker.skipped) console.warn(`[kafka tests skipped] ${broker.skipped}`);
const kafka = () => new Kafka({ clientId: 'citypulse-alert-kinds-test', brokers: broker.brokers, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } });

describe.skipIf(!!broker.skipped)('visitors_origin alerts on the Kafka alert topic (real broker)', () => {
  it('publishes open, escalated and resolved keyed by area id, headers kind/state', async () => {
    const topic = uniqueTopic('crowd-alerts');
    const db = await openDatabase(':memory:');
    await ensurePopulationTables(db.connection);
    const stadium = area('stadium', 10_000);
    const emitted: Alert[] = [];
    const p = createAlerting({
      areas: [stadium], kinds: ['capacity'],
      kafka: { producer: kafka().producer({ allowAutoTopicCreation: true }), topic },
      sources: [visitorOriginAlertSource({ areas: [stadium], rules: [{ origin: 'FR', level: 50 }] })],
      logger: (e) => void (e.type === 'alert' && emitted.push(e.alert)),
    });
    const series = [{ FR: 60 }, { FR: 120 }, { FR: 0, DE: 30 }];
    for (let i = 0; i < series.length; i++) {
      const ws = T0 + i * W;
      await writeAreaVisitors(db.connection, Object.entries(series[i]!).filter(([, v]) => v > 0).map(([origin, visitors]) => ({ windowStart: ws, windowEnd: ws + W, areaId: 'stadium', origin, visitors })));
      p.onWindowsClosed([{ windowStart: ws, windowEnd: ws + W, h3: stadium.cells[0]!, res: 9, present: 1, active: 1, events: 1 }]);
      await p.flush(db.connection);
      await p.afterCommit!();
    }
    await p.close();
    db.close();
    expect(emitted.map((a) => a.state)).toEqual(['open', 'escalated', 'resolved']);
    const consumer = kafka().consumer({ groupId: uniqueTopic('g'), maxWaitTimeInMs: 200 });
    const got: { key: string; value: Alert; headers: Record<string, string> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        got.push({ key: message.key!.toString(), value: JSON.parse(message.value!.toString()) as Alert, headers });
      },
    });
    try {
      const deadline = Date.now() + 60_000;
      while (got.length < emitted.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await consumer.disconnect();
    }
    expect(got.map((g) => g.value)).toEqual(emitted);
    expect(got.map((g) => [g.key, g.headers.kind, g.headers.state])).toEqual([
      ['stadium', 'visitors_origin', 'open'], ['stadium', 'visitors_origin', 'escalated'], ['stadium', 'visitors_origin', 'resolved'],
    ]);
    expect(got.every((g) => g.value.origin === 'FR')).toBe(true);
  }, 120_000);
});

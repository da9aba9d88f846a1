// The alerting plugin under `stream` (pipelines/stream-runner.ts) against the real broker: the same
// alerts as `ingest` on the same data, also when the stream stops mid-surge and resumes, and every
// alert on the alerts topic at least once.
import { Readable } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../pipelines/run-ingest.ts';
import { runStream } from '../../pipelines/stream-runner.ts';
import type { Alert } from '../../schemas/alert.ts';
import { parseAreas } from '../../src/alerts/areas/parse-areas.ts';
import type { WatchedArea } from '../../src/alerts/engine/watched-area.ts';
import { createAlerting } from '../../src/alerts/plugin/create-alerting.ts';
import { publishFile } from '../../src/ingest/sources/kafka/publish-file.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { Simulation } from '../../src/sim/index.ts';
import { ensureBroker, uniqueTopic } from '../kafka/broker.ts';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const broker = await ensureBroker();
const NOW = () => Date.UTC(2026, 2, 4);
const KEY = new Uint8Array(32).fill(4);

function disc(lat: number, lon: number, r: number): number[][] {
  const ring = Array.from({ length: 32 }, (_, i) => [lon + (r * Math.sin((i * Math.PI) / 16)) / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + (r * Math.cos((i * Math.PI) / 16)) / 111_320]);
  return [...ring, ring[0]!];
}

async function alertRows(db: Database): Promise<Record<string, unknown>[]> {
  const r = await db.connection.runAndReadAll('SELECT * EXCLUDE (window_closed_at, emitted_at) FROM alerts ORDER BY window_start, area_id, kind, seq');
  return r.getRowObjectsJson() as Record<string, unknown>[];
}

describe.skipIf(!!broker.skipped)('alerting under stream (real broker)', () => {
  const sim = new Simulation({ seed: 11, subscribers: 1_500, days: 1 });
  const stadium = sim.scenarios.find((s) => s.kind === 'stadium')!;
  const areas: WatchedArea[] = parseAreas({
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: { id: 'stadium', name: 'Stadio', capacity: stadium.expectedPeople }, geometry: { type: 'Polygon', coordinates: [disc(stadium.center.lat, stadium.center.lon, 1_000)] } }],
  });
  const cells = CellTable.fromVersions(sim.city.cells, 9);
  const lines = [...sim.lines()];
  const input = uniqueTopic('signalling');
  const alertsTopic = uniqueTopic('crowd-alerts');
  const dbs: Database[] = [];
  let reference: Record<string, unknown>[];
  let firstPart: string[] = [];
  let secondPart: string[] = [];

  beforeAll(async () => {
    const ref = await openDatabase(':memory:');
    dbs.push(ref);
    await runIngest({
      connection: ref.connection, cells, pseudonymiser: new Pseudonymiser({ key: KEY }), now: NOW, sourceName: 'sim',
      batches: [{ lines, firstLine: 1, bytesRead: 0 }], plugins: [createAlerting({ areas })],
    });
    reference = await alertRows(ref);
    // The input goes to the topic in two parts, split at an event time 90 min into the stadium's fill:
    // the first run can then publish at most the windows of the first part, whatever batch sizes
    // Kafka hands out (with everything on the topic, one batch per partition could publish the whole
    // day in one checkpoint and the stop would never fall mid-surge).
    const split = stadium.start + 90 * 60_000;
    const at = lines.findIndex((l) => {
      try {
        const r = JSON.parse(l) as { ts?: unknown };
        const ts = typeof r.ts === 'number' ? r.ts : Date.parse(String(r.ts));
        return ts >= split;
      } catch {
        return false;
      }
    });
    firstPart = lines.slice(0, at);
    secondPart = lines.slice(at);
    await publishFile({ brokers: broker.brokers, topic: input, partitions: 3, batchSize: 5_000, stream: Readable.from(firstPart.map((l) => l + '\n')) });
  }, 300_000);
  afterAll(() => dbs.forEach((d) => d.close()));

  it('stops mid-surge, resumes, and ends with the same alerts as ingest, each once in the table and at least once on the topic', async () => {
    expect(reference.filter((r) => r.kind === 'capacity').map((r) => r.state)).toEqual(['open', 'escalated', 'escalated', 'resolved']);
    const db = await openDatabase(':memory:');
    dbs.push(db);
    const kafka = new Kafka({ clientId: 'alerts-stream-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const base = {
      brokers: broker.brokers, topics: [input], groupId: uniqueTopic('alerts-stream'), cells, pseudonymiser: new Pseudonymiser({ key: KEY }),
      connection: db.connection, now: NOW, checkpointIntervalMs: 300, partitionIdleMs: 10_000, deadLetterTopic: null, handoff: false,
    };
    // First run: stop once the windows published reach an hour into the stadium's fill.
    const stop = new AbortController();
    await runStream({
      ...base,
      signal: stop.signal,
      plugins: [createAlerting({ areas, kafka: { producer: kafka.producer(), topic: alertsTopic } })],
      onCheckpoint: (p) => void (p.publishedUntil !== null && p.publishedUntil >= stadium.start + 60 * 60_000 && stop.abort()),
    });
    const mid = await alertRows(db);
    expect(mid.length).toBeGreaterThan(0);
    expect(mid.length).toBeLessThan(reference.length);
    // The stop fell inside the incident: opened before, resolved after.
    expect(mid.filter((r) => r.kind === 'capacity').map((r) => r.state)).toContain('open');
    expect(mid.filter((r) => r.kind === 'capacity').map((r) => r.state)).not.toContain('resolved');
    // The rest of the input arrives; the second run resumes from the checkpoint (plugin state
    // included) to the end of the input.
    expect(secondPart.length).toBeGreaterThan(0);
    await publishFile({ brokers: broker.brokers, topic: input, partitions: 3, batchSize: 5_000, stream: Readable.from(secondPart.map((l) => l + '\n')) });
    await runStream({ ...base, exitWhenIdleMs: 3_000, plugins: [createAlerting({ areas, kafka: { producer: kafka.producer(), topic: alertsTopic } })] });
    const rows = await alertRows(db);
    expect(rows).toEqual(reference);

    const consumer = kafka.consumer({ groupId: uniqueTopic('read'), maxWaitTimeInMs: 200 });
    const seen = new Set<string>();
    await consumer.connect();
    await consumer.subscribe({ topic: alertsTopic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const a = JSON.parse(message.value!.toString()) as Alert;
        seen.add(`${a.alert_id}:${a.seq}`);
      },
    });
    const deadline = Date.now() + 60_000;
    while (seen.size < rows.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await consumer.disconnect();
    expect([...seen].sort()).toEqual(rows.map((r) => `${r.alert_id}:${r.seq}`).sort());
  }, 300_000);
});

import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { publishFile } from '../../src/ingest/sources/kafka/publish-file.ts';
import type { PublishEncoding } from '../../src/ingest/encode/message-batcher.ts';
import { ensureBroker, stopBroker, type BrokerOptions } from '../../test/kafka/broker.ts';
import type { BenchContext } from './context.ts';
import type { InputFiles } from './inputs.ts';

/** The benchmark's Kafka: brokers, or why there is none. */
export interface BenchKafka {
  brokers: string[];
  skipped?: string;
  /** Stops a broker the runner started (no-op for an external one). */
  stop(): Promise<void>;
}

/** A topic holding an input, published once and reused while it is intact. */
export interface FilledTopic {
  topic: string;
  messages: number;
  records: number;
}

const PARTITIONS = 3;

/**
 * A broker of the runner's own (port $CITYPULSE_BENCH_KAFKA_PORT or 19392, data under out/bench/kafka),
 * so other work on the shared test broker neither disturbs nor is disturbed by the measurements;
 * $CITYPULSE_BENCH_BROKERS points the runner at an existing cluster instead.
 */
export async function benchKafka(ctx: BenchContext, env: NodeJS.ProcessEnv): Promise<BenchKafka> {
  if (env.CITYPULSE_BENCH_BROKERS) return { brokers: env.CITYPULSE_BENCH_BROKERS.split(','), stop: async () => {} };
  const port = Number(env.CITYPULSE_BENCH_KAFKA_PORT || 19392);
  const opts: BrokerOptions = { port, controllerPort: port + 1, dataDir: join(ctx.dirs.root, 'kafka') };
  ctx.log(`kafka: starting the benchmark broker on 127.0.0.1:${port}…`);
  // ensureBroker honours this variable to bypass starting one; the runner wants its own here.
  const saved = process.env.CITYPULSE_TEST_KAFKA_BROKERS;
  delete process.env.CITYPULSE_TEST_KAFKA_BROKERS;
  try {
    const b = await ensureBroker(opts);
    if (b.skipped) return { brokers: [], skipped: b.skipped, stop: async () => {} };
    return { brokers: b.brokers, stop: () => stopBroker(opts) };
  } finally {
    if (saved !== undefined) process.env.CITYPULSE_TEST_KAFKA_BROKERS = saved;
  }
}

/** A kafkajs admin session. */
async function withAdmin<T>(brokers: string[], f: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
  const admin = new Kafka({ clientId: 'citypulse-bench', brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return await f(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * The topic holding `input` in `encoding` (3 partitions, no retention limit), published with
 * `publishFile` — the code of `citypulse publish --encoding … --records-per-message …` — unless a
 * previous run left it intact (message count checked against the broker's offsets).
 */
export async function filledTopic(ctx: BenchContext, brokers: string[], input: InputFiles, encoding: PublishEncoding, recordsPerMessage?: number): Promise<FilledTopic> {
  const topic = `bench-${input.key}-${encoding}${recordsPerMessage ? `-${recordsPerMessage}` : ''}`;
  const markerDir = join(ctx.dirs.root, 'topics');
  mkdirSync(markerDir, { recursive: true });
  const marker = join(markerDir, `${topic}.json`);
  const want = existsSync(marker) ? (JSON.parse(readFileSync(marker, 'utf8')) as FilledTopic) : null;
  const have = await withAdmin(brokers, async (admin) => {
    if (!(await admin.listTopics()).includes(topic)) return -1;
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((a, o) => a + Number(o.high) - Number(o.low), 0);
  });
  if (want && have === want.messages) return want;
  await withAdmin(brokers, async (admin) => {
    if (have >= 0) await admin.deleteTopics({ topics: [topic] });
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: PARTITIONS, configEntries: [{ name: 'retention.bytes', value: '-1' }, { name: 'retention.ms', value: '-1' }] }],
    });
  });
  ctx.log(`  topic ${topic}: publishing ${input.stats.records.toLocaleString('en-US')} records as ${encoding}${recordsPerMessage ? ` × ${recordsPerMessage}/message` : ''}…`);
  const t0 = performance.now();
  const r = await publishFile({
    brokers,
    topic,
    partitions: PARTITIONS,
    batchSize: 5_000,
    stream: createReadStream(input.events, { highWaterMark: 1 << 20 }),
    encoding,
    ...(recordsPerMessage ? { recordsPerMessage } : {}),
  });
  ctx.log(`  topic ${topic}: ${r.published.toLocaleString('en-US')} messages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const filled: FilledTopic = { topic, messages: r.published, records: r.records };
  writeFileSync(marker, JSON.stringify(filled) + '\n');
  return filled;
}

/** Deletes what a stream run leaves behind: its consumer group and state changelog topic. */
export async function cleanupGroup(brokers: string[], groupId: string): Promise<void> {
  await withAdmin(brokers, async (admin) => {
    const topics = (await admin.listTopics()).filter((t) => t === `citypulse-state.${groupId}`);
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => {});
    await admin.deleteGroups([groupId]).catch(() => {});
  });
}

import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { LocatedEvent } from '../schemas/events.ts';
import { decodeMessage } from '../src/ingest/decode/decode-message.ts';
import { deadLetterMessage, type DeadLetterMessage } from '../src/ingest/sources/kafka/dead-letter-message.ts';
import { ensureTopic } from '../src/ingest/sources/kafka/ensure-topic.ts';
import type { CellTable } from '../src/locate/cell-table.ts';
import { RecordLocator, isDeadLetter } from '../src/locate/record-locator.ts';
import type { DeadLetter } from '../src/core/pipeline-sink.ts';
import type { Pseudonymiser } from '../src/privacy/pseudonymiser.ts';

/** Configuration of {@link startRepartition}. */
export interface RepartitionConfig {
  kafka: Kafka;
  /** Input topics whose messages may mix subscribers (JSON arrays, Arrow batches, unkeyed). */
  topics: string[];
  /** The stream's consumer group; this stage consumes as `<group>.repartition`. */
  groupId: string;
  cells: CellTable;
  pseudonymiser: Pseudonymiser;
  /** Dead-letter topic for poison messages (written in the same transaction). Null disables. */
  deadLetterTopic: string | null;
  /** Partitions of the repartition topic when it is created. Default: the most of any input topic. */
  partitions?: number;
  now?: () => number;
  log?: (message: string) => void;
}

/** The internal topic carrying located events keyed by device. */
export function repartitionTopic(groupId: string): string {
  return `citypulse-rp.${groupId}`;
}

/** A located event or a dead letter, as carried on the repartition topic (no raw IMSI). */
export type RepartitionEnvelope =
  | { ts: number; d: string; h: string; k: string; s: string; p: string; i: string; a?: string }
  | { dl: DeadLetter };

/** Turns an envelope back into what the windowing stage consumes. */
export function readEnvelope(text: string): { ev: LocatedEvent; source: string; position: string; input: string } | { dl: DeadLetter } {
  const e = JSON.parse(text) as RepartitionEnvelope;
  if ('dl' in e) return { dl: e.dl };
  return { ev: e.a === undefined ? { ts: e.ts, device: e.d, h3: e.h, kind: e.k } : { ts: e.ts, device: e.d, h3: e.h, kind: e.k, at: e.a }, source: e.s, position: e.p, input: e.i };
}

/** A running repartition stage. */
export interface Repartitioner {
  readonly topic: string;
  /** `topic/partition` of every input partition: the windowing stage holds its watermark for each. */
  readonly sources: string[];
  /** True when every input partition's committed offset has reached its end. */
  caughtUp(): Promise<boolean>;
  stop(): Promise<void>;
  readonly stats: { messages: number; records: number; deadLetters: number };
}

/**
 * The repartition stage (as Kafka Streams does it): validates, pseudonymises and locates every record
 * of the input topics, and re-publishes it keyed by its pseudonymous device to an internal topic, so
 * that each device's events meet in exactly one partition downstream, whatever the input batching.
 * Output, dead letters and input offsets commit in one Kafka transaction (exactly once; the windowing
 * stage reads committed messages only). Raw IMSIs never reach the internal topic.
 */
export async function startRepartition(config: RepartitionConfig): Promise<Repartitioner> {
  const topic = repartitionTopic(config.groupId);
  const stageGroup = `${config.groupId}.repartition`;
  const locator = new RecordLocator({ cells: config.cells, pseudonymiser: config.pseudonymiser });
  const now = config.now ?? Date.now;
  const stats = { messages: 0, records: 0, deadLetters: 0 };

  const admin: Admin = config.kafka.admin();
  await admin.connect();
  const meta = await admin.fetchTopicMetadata({ topics: config.topics });
  const partitions = config.partitions ?? Math.max(...meta.topics.map((t) => t.partitions.length));
  await ensureTopic(admin, { topic, numPartitions: partitions });

  const producer: Producer = config.kafka.producer({
    transactionalId: `citypulse-rp-${config.groupId}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  const consumer: Consumer = config.kafka.consumer({ groupId: stageGroup, sessionTimeout: 30_000, heartbeatInterval: 3_000 });
  await consumer.connect();
  for (const t of config.topics) await consumer.subscribe({ topic: t, fromBeginning: true });

  const eachBatch = async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    const out: { key: string; value: string }[] = [];
    const dlq: DeadLetterMessage[] = [];
    let last: string | null = null;
    const wall = now();
    for (const m of batch.messages) {
      if (!isRunning() || isStale()) break;
      const reasons = envelopesOf(m, batch.topic, batch.partition, locator, wall, out, stats);
      if (reasons.length > 0) dlq.push(deadLetterMessage(m, batch.topic, batch.partition, reasons));
      stats.messages++;
      last = m.offset;
    }
    if (last === null) return;
    const tx = await producer.transaction();
    try {
      // In slices of ≤ SEND_BYTES: one input batch (up to the fetch size) re-published as envelopes
      // can exceed the broker's message.max.bytes (1 MiB) in one partition's record batch.
      for (const slice of bySize(out, SEND_BYTES)) await tx.send({ topic, messages: slice });
      if (dlq.length > 0 && config.deadLetterTopic) await tx.send({ topic: config.deadLetterTopic, messages: dlq });
      await tx.sendOffsets({ consumerGroupId: stageGroup, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(BigInt(last) + 1n) }] }] });
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => {});
      throw err;
    }
    resolveOffset(last);
    await heartbeat();
  };
  await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch });

  const sources = meta.topics.flatMap((t) => t.partitions.map((p) => `${t.name}/${p.partitionId}`));
  return {
    topic,
    sources,
    stats,
    caughtUp: () => stageCaughtUp(admin, config.topics, stageGroup),
    async stop() {
      await consumer.disconnect().catch(() => {});
      await producer.disconnect().catch(() => {});
      await admin.disconnect().catch(() => {});
    },
  };
}

/** Bytes of envelopes per `send` of the repartition stage (well under the broker's 1 MiB record batch). */
const SEND_BYTES = 256 * 1024;

/** `messages` cut, in order, into slices of at most `max` bytes of keys and values (at least one message each). */
function bySize(messages: { key: string; value: string }[], max: number): { key: string; value: string }[][] {
  const slices: { key: string; value: string }[][] = [];
  let cur: { key: string; value: string }[] = [], size = 0;
  for (const m of messages) {
    const n = m.key.length + m.value.length + 64;
    if (cur.length > 0 && size + n > max) {
      slices.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(m);
    size += n;
  }
  if (cur.length > 0) slices.push(cur);
  return slices;
}

/**
 * The envelopes of one input message, appended to `out`: each record validated, pseudonymised and
 * located (keyed by its device), or a dead letter (keyed by its source partition). Returns the
 * dead-letter reasons of the message.
 */
function envelopesOf(m: KafkaMessage, topic: string, partition: number, locator: RecordLocator, wall: number, out: { key: string; value: string }[], stats: Repartitioner['stats']): string[] {
  const position = `${partition}@${m.offset}`;
  const sourceKey = `${topic}/${partition}`;
  const reasons: string[] = [];
  const emit = (r: LocatedEvent | DeadLetter) => {
    stats.records++;
    if (isDeadLetter(r)) {
      stats.deadLetters++;
      reasons.push(r.reason);
      out.push({ key: sourceKey, value: JSON.stringify({ dl: r }) });
    } else {
      out.push({ key: r.device, value: JSON.stringify({ ts: r.ts, d: r.device, h: r.h3, k: r.kind, s: topic, p: position, i: sourceKey, a: r.at }) });
    }
  };
  const msg = decodeMessage(m.value, m.headers?.['content-type']?.toString());
  if (msg.kind === 'unreadable') emit(locator.deadLetter(topic, position, msg.payload, { reason: 'malformed_json', detail: msg.detail }, null));
  else if (msg.kind === 'one') emit(locator.locate(msg.record, wall, topic, position, msg.raw));
  else {
    let i = 0;
    for (const r of msg.records) emit(locator.locate(r, wall, topic, `${position}[${i++}]`, null));
  }
  return reasons;
}

/** True when the stage's committed offsets reached the end of every non-empty input partition. */
async function stageCaughtUp(admin: Admin, topics: readonly string[], stageGroup: string): Promise<boolean> {
  for (const t of topics) {
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(t), admin.fetchOffsets({ groupId: stageGroup, topics: [t] })]);
    const pos = new Map(committed[0]?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
    for (const e of ends) {
      if (BigInt(e.high) === BigInt(e.low)) continue;
      const at = pos.get(e.partition) ?? -1n;
      if (at < BigInt(e.high)) return false;
    }
  }
  return true;
}

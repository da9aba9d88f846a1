import { ensureTopic } from './ensure-topic.ts';
import { MessageBatcher, type OutMessage, type PublishEncoding } from '../../encode/message-batcher.ts';
import { createKafka } from './kafka-client.ts';
import { lineBatches } from '../line-batches.ts';
import { subscriberPartitioner } from './subscriber-partitioner.ts';

/** Options of {@link publishFile}. */
export interface PublishFileOptions {
  brokers: string[];
  topic: string;
  /** Partitions when the topic is created (an existing topic keeps its own). */
  partitions: number;
  /** Messages per produce request (requests also stay under ~900 KB). */
  batchSize: number;
  stream: NodeJS.ReadableStream;
  /** How records become messages (see {@link MessageBatcher}). Default `ndjson`. */
  encoding?: PublishEncoding;
  /** Records per message for batched encodings. Default 1000. */
  recordsPerMessage?: number;
  /** Called after each chunk of input with the bytes read so far and the messages published. */
  onProgress?: (bytesRead: number, published: number) => void;
  signal?: AbortSignal;
}

/**
 * Most message bytes per produce request. kafkajs packs a request's messages for one partition into
 * one record batch, and the broker caps a batch at `message.max.bytes` (1 MiB by default), so a
 * request stays below that whatever partitions its messages go to.
 */
const MAX_REQUEST_BYTES = 900_000;

/**
 * Publishes NDJSON records to a topic (one line per message keyed by subscriber, or batched JSON
 * arrays / Arrow record batches grouped by the subscriber's partition); creates the topic when missing.
 */
export async function publishFile(o: PublishFileOptions): Promise<{ published: number; records: number }> {
  const kafka = createKafka({ brokers: o.brokers, clientId: 'citypulse-publish' });
  const admin = kafka.admin();
  await admin.connect();
  let partitions = o.partitions;
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(o.topic)) {
      await ensureTopic(admin, { topic: o.topic, numPartitions: o.partitions });
    } else {
      const meta = await admin.fetchTopicMetadata({ topics: [o.topic] });
      partitions = meta.topics[0]?.partitions.length ?? o.partitions;
    }
  } finally {
    await admin.disconnect();
  }
  const batcher = new MessageBatcher({
    encoding: o.encoding ?? 'ndjson',
    ...(o.recordsPerMessage !== undefined ? { recordsPerMessage: o.recordsPerMessage } : {}),
    partitions,
    partitionOf: subscriberPartitioner(o.topic, partitions),
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  let published = 0;
  let records = 0;
  try {
    let pending: OutMessage[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      const messages = pending.map(({ records: _, ...m }) => m);
      await producer.send({ topic: o.topic, acks: -1, messages });
      published += pending.length;
      for (const m of pending) records += m.records;
      pending = [];
      pendingBytes = 0;
    };
    const take = async (ms: OutMessage[]) => {
      for (const m of ms) {
        const size = (typeof m.value === 'string' ? Buffer.byteLength(m.value) : m.value.length) + (m.key?.length ?? 0) + 64;
        if (pending.length > 0 && pendingBytes + size > MAX_REQUEST_BYTES) await flush();
        pending.push(m);
        pendingBytes += size;
        if (pending.length >= o.batchSize) await flush();
      }
    };
    for await (const b of lineBatches(o.stream, o.signal)) {
      for (const line of b.lines) await take(batcher.push(line));
      o.onProgress?.(b.bytesRead, published);
    }
    await take(batcher.end());
    await flush();
  } finally {
    await producer.disconnect();
  }
  return { published, records };
}

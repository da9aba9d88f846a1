import { createReadStream, statSync } from 'node:fs';
import { ensureTopic } from '../../ingest/sources/kafka/ensure-topic.ts';
import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { MessageBatcher, PUBLISH_ENCODINGS, type OutMessage, type PublishEncoding } from '../../ingest/encode/message-batcher.ts';
import { createKafka } from '../../ingest/sources/kafka/kafka-client.ts';
import { brokersArg } from '../../core/brokers.ts';
import { lineBatches } from '../../ingest/sources/line-batches.ts';
import { UsageError, logOf, parseCommandArgs, required, type Command } from '../command.ts';
import { Progress, formatCount } from '../progress.ts';

const HELP = `Usage: citypulse publish --from FILE|- --topic T [--partitions N] [--brokers B]
                         [--encoding ndjson|json-array|arrow] [--records-per-message N]

Sends NDJSON records to Kafka. By default each line is one message, keyed by the subscriber (the imsi
of the line's first record; no key when the line does not parse), so a device always lands in the
same partition. Batched encodings pack many records into one message, grouped by the partition of
each record's subscriber, so a device still lives in one partition. Creates the topic when missing.

Options:
  --from FILE|-              NDJSON input (- for stdin)
  --topic T                  target topic
  --partitions N             partitions when the topic is created (default 3)
  --brokers B                host:port[,…] (default $CITYPULSE_BROKERS or 127.0.0.1:9092)
  --encoding E               ndjson: one line per message (default)
                             json-array: records packed into JSON arrays
                             arrow: records packed into Apache Arrow IPC record batches, header
                               content-type: application/vnd.apache.arrow.stream
                             (a record a batch cannot carry faithfully goes alone, as JSON)
  --records-per-message N    records per message for json-array/arrow (default 1000; messages stay
                             under ~900 KB, below Kafka's default 1 MiB limit)
  --batch N                  messages per produce request (default 2000; requests stay under ~900 KB)
  -h, --help                 this help
`;

export const publishCommand: Command = {
  name: 'publish',
  summary: 'NDJSON file → Kafka topic, keyed by subscriber',
  help: HELP,
  async run(argv, ctx) {
    const args = parseCommandArgs(
      argv,
      {
        from: { type: 'string' },
        topic: { type: 'string' },
        partitions: { type: 'string', default: '3' },
        brokers: { type: 'string' },
        batch: { type: 'string', default: '2000' },
        encoding: { type: 'string', default: 'ndjson' },
        'records-per-message': { type: 'string' },
      },
      HELP,
      ctx,
    );
    if (!args) return 0;
    const v = args.values;
    const from = required(v, 'from');
    const topic = required(v, 'topic');
    const partitions = Number(v.partitions);
    const batchSize = Number(v.batch);
    if (!Number.isInteger(partitions) || partitions < 1) throw new UsageError('--partitions must be a positive integer');
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError('--batch must be a positive integer');
    const encoding = String(v.encoding) as PublishEncoding;
    if (!PUBLISH_ENCODINGS.includes(encoding)) throw new UsageError(`--encoding must be one of ${PUBLISH_ENCODINGS.join(', ')}, got "${v.encoding}"`);
    const perMessage = v['records-per-message'] === undefined ? undefined : Number(v['records-per-message']);
    if (perMessage !== undefined && (!Number.isInteger(perMessage) || perMessage < 1)) throw new UsageError('--records-per-message must be a positive integer');
    if (encoding === 'ndjson' && perMessage !== undefined && perMessage !== 1) throw new UsageError('--records-per-message needs --encoding json-array or arrow (ndjson sends one line per message)');
    const brokers = brokersArg(v.brokers, ctx.env);
    const { published, records } = await publishFile({
      brokers,
      topic,
      partitions,
      batchSize,
      encoding,
      ...(perMessage !== undefined ? { recordsPerMessage: perMessage } : {}),
      stream: from === '-' ? ctx.stdin : createReadStream(from, { highWaterMark: 1 << 20 }),
      total: from === '-' ? undefined : statSync(from).size,
      progressStream: ctx.stderr,
      signal: ctx.signal,
      log: (level, message) => logOf(ctx)({ type: 'kafka.log', level, message }),
    });
    ctx.stdout.write(`published ${published.toLocaleString('en-US')} messages (${records.toLocaleString('en-US')} records, ${encoding}) to ${topic}\n`);
    return 0;
  },
};

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
  total?: number;
  progressStream?: NodeJS.WritableStream;
  /** kafkajs' log lines (see {@link createKafka}); retried leader moves arrive as `warn`. */
  log?: (level: 'error' | 'warn' | 'info', message: string) => void;
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
  const kafka = createKafka({ brokers: o.brokers, clientId: 'citypulse-publish', ...(o.log ? { log: o.log } : {}) });
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
    partitionOf: keyPartitioner(o.topic, partitions),
  });
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const progress = o.progressStream ? new Progress({ stream: o.progressStream, label: 'publish', total: o.total, unit: 'bytes' }) : null;
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
      progress?.update(b.bytesRead, `${formatCount(published)} messages`);
    }
    await take(batcher.end());
    await flush();
    progress?.finish(`${formatCount(published)} messages`);
  } finally {
    await producer.disconnect();
  }
  return { published, records };
}

/** The partition kafkajs' default (Java-compatible murmur2) partitioner gives a key. */
function keyPartitioner(topic: string, partitions: number): (key: string) => number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, i) => ({ partitionErrorCode: 0, partitionId: i, leader: 0, replicas: [0], isr: [0] }));
  return (key) => partitioner({ topic, partitionMetadata, message: { key, value: null } });
}

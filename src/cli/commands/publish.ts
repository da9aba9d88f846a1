import { createReadStream, statSync } from 'node:fs';
import { parseBrokers, createKafka } from '../../ingest/sources/kafka/kafka-client.ts';
import { subscriberKey } from '../../ingest/sources/kafka/message-key.ts';
import { lineBatches } from '../../ingest/sources/line-batches.ts';
import { UsageError, parseCommandArgs, required, type Command } from '../command.ts';
import { Progress, formatCount } from '../progress.ts';

const HELP = `Usage: citypulse publish --from FILE|- --topic T [--partitions N] [--brokers B]

Sends each NDJSON line as one Kafka message, keyed by the subscriber (the imsi of the line's first
record; no key when the line does not parse), so a device always lands in the same partition.
Creates the topic when missing.

Options:
  --from FILE|-        NDJSON input (- for stdin)
  --topic T            target topic
  --partitions N       partitions when the topic is created (default 3)
  --brokers B          host:port[,…] (default $CITYPULSE_BROKERS or 127.0.0.1:9092)
  --batch N            messages per produce request (default 2000)
  -h, --help           this help
`;

export const publishCommand: Command = {
  name: 'publish',
  summary: 'NDJSON file → Kafka topic, keyed by subscriber',
  help: HELP,
  async run(argv, ctx) {
    const args = parseCommandArgs(
      argv,
      { from: { type: 'string' }, topic: { type: 'string' }, partitions: { type: 'string', default: '3' }, brokers: { type: 'string' }, batch: { type: 'string', default: '2000' } },
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
    let brokers: string[];
    try {
      brokers = parseBrokers(v.brokers ?? ctx.env.CITYPULSE_BROKERS ?? '127.0.0.1:9092');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { published } = await publishFile({
      brokers,
      topic,
      partitions,
      batchSize,
      stream: from === '-' ? ctx.stdin : createReadStream(from, { highWaterMark: 1 << 20 }),
      total: from === '-' ? undefined : statSync(from).size,
      progressStream: ctx.stderr,
      signal: ctx.signal,
    });
    ctx.stdout.write(`published ${published.toLocaleString('en-US')} messages to ${topic}\n`);
    return 0;
  },
};

/** Options of {@link publishFile}. */
export interface PublishFileOptions {
  brokers: string[];
  topic: string;
  partitions: number;
  batchSize: number;
  stream: NodeJS.ReadableStream;
  total?: number;
  progressStream?: NodeJS.WritableStream;
  signal?: AbortSignal;
}

/** Publishes NDJSON lines as messages keyed by subscriber; creates the topic when missing. */
export async function publishFile(o: PublishFileOptions): Promise<{ published: number }> {
  const kafka = createKafka({ brokers: o.brokers, clientId: 'citypulse-publish' });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(o.topic)) {
      await admin.createTopics({ waitForLeaders: true, topics: [{ topic: o.topic, numPartitions: o.partitions }] });
    }
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const progress = o.progressStream ? new Progress({ stream: o.progressStream, label: 'publish', total: o.total, unit: 'bytes' }) : null;
  let published = 0;
  try {
    let pending: { key: string | null; value: string }[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      await producer.send({ topic: o.topic, acks: -1, messages: pending });
      published += pending.length;
      pending = [];
    };
    for await (const b of lineBatches(o.stream, o.signal)) {
      for (const line of b.lines) {
        if (line.trim() === '') continue;
        pending.push({ key: subscriberKey(line), value: line });
        if (pending.length >= o.batchSize) await flush();
      }
      progress?.update(b.bytesRead, `${formatCount(published)} messages`);
    }
    await flush();
    progress?.finish(`${formatCount(published)} messages`);
  } finally {
    await producer.disconnect();
  }
  return { published };
}

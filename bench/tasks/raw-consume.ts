import { Kafka, logLevel } from 'kafkajs';
import type { TaskReport } from '../lib/run-child.ts';

/** Arguments of {@link rawConsumeTask}. */
export interface RawConsumeArgs {
  brokers: string[];
  topic: string;
  groupId: string;
  /** Messages in the topic: the run ends when all are counted. */
  messages: number;
  /** Records those messages carry (reported as events). */
  records: number;
}

/**
 * The ceiling: plain kafkajs consuming the topic in a consumer group with `eachBatch`, counting
 * messages (and touching each value's length), no decoding. Same consumer settings as `runStream`
 * (4 MiB per partition fetch, one partition at a time). Timed from the first batch to the last
 * message counted; group join excluded.
 */
export async function rawConsumeTask(a: RawConsumeArgs): Promise<TaskReport> {
  const kafka = new Kafka({ clientId: 'citypulse-bench-raw', brokers: a.brokers, logLevel: logLevel.ERROR });
  const consumer = kafka.consumer({ groupId: a.groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxBytesPerPartition: 4 << 20 });
  let count = 0;
  let bytes = 0;
  let firstAt = NaN;
  let lastAt = NaN;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  await consumer.connect();
  await consumer.subscribe({ topic: a.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 1,
    eachBatch: async ({ batch }) => {
      if (Number.isNaN(firstAt)) firstAt = performance.now();
      for (const m of batch.messages) bytes += m.value?.length ?? 0;
      count += batch.messages.length;
      if (count >= a.messages && Number.isNaN(lastAt)) {
        lastAt = performance.now();
        done();
      }
    },
  });
  await finished;
  await Promise.race([consumer.disconnect(), new Promise((r) => setTimeout(r, 10_000))]);
  return { seconds: (lastAt - firstAt) / 1000, events: a.records, extra: { messages: count, bytes } };
}

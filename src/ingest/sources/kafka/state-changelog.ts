import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { ensureTopic } from './ensure-topic.ts';
import { decodeState } from '../../../core/state-codec.ts';

/** Key suffix of a partition's "results stored up to" entries (see {@link StateChangelog.publish}). */
const OUTPUT_SUFFIX = '#out';

/** Configuration of a {@link StateChangelog}. */
export interface StateChangelogConfig {
  kafka: Kafka;
  /** The stream's consumer group; the topic is `citypulse-state.<group>`. */
  groupId: string;
}

/**
 * Per-partition window state shared through a compacted Kafka topic, so a partition that moves to
 * another process resumes from the newest checkpoint (as Kafka Streams does with changelog topics).
 * Every process tails the topic and keeps the latest state of each partition.
 */
export class StateChangelog {
  readonly topic: string;
  readonly #kafka: Kafka;
  readonly #latest = new Map<string, { nextOffset: string; state: Buffer }>();
  readonly #positions = new Map<number, bigint>();
  #consumer: Consumer | null = null;

  constructor(config: StateChangelogConfig) {
    this.topic = `citypulse-state.${config.groupId}`;
    this.#kafka = config.kafka;
  }

  /** Creates the compacted topic when missing and starts tailing it. */
  async start(): Promise<void> {
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      await ensureTopic(admin, {
        topic: this.topic,
        numPartitions: 1,
        configEntries: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'max.message.bytes', value: String(64 << 20) },
        ],
      });
    } finally {
      await admin.disconnect();
    }
    const consumer = this.#kafka.consumer({ groupId: `citypulse-state-reader-${randomUUID()}`, maxBytesPerPartition: 64 << 20, maxBytes: 128 << 20 });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const k = message.key?.toString('utf8');
        const nextOffset = message.headers?.['citypulse.next-offset']?.toString();
        if (k && message.value && nextOffset) this.#latest.set(k, { nextOffset, state: message.value });
        else if (k && message.value === null) this.#latest.delete(k);
        this.#positions.set(partition, BigInt(message.offset) + 1n);
      },
    });
    this.#consumer = consumer;
  }

  /**
   * Publishes checkpoints (after their DuckDB transaction committed). Two compacted keys per
   * partition: `topic/partition` carries a snapshot — the state bytes as stored in DuckDB
   * ({@link encodeState}), the offset it was taken at in a header — and is sent only with checkpoints
   * that wrote one; `topic/partition#out` carries, after every checkpoint, the offset up to which the
   * results are stored, so the next owner replays from the snapshot without storing those results
   * again.
   */
  async publish(producer: Producer, entries: { topic: string; partition: number; nextOffset: string; state?: Uint8Array }[]): Promise<void> {
    if (entries.length === 0) return;
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: entries.flatMap((e) => [
        ...(e.state ? [{ key: `${e.topic}/${e.partition}`, value: Buffer.from(e.state.buffer, e.state.byteOffset, e.state.byteLength), headers: { 'citypulse.next-offset': e.nextOffset } }] : []),
        { key: `${e.topic}/${e.partition}${OUTPUT_SUFFIX}`, value: Buffer.alloc(0), headers: { 'citypulse.next-offset': e.nextOffset } },
      ]),
    });
  }

  /**
   * The newest shared checkpoint of a partition, after catching up with the topic; null if none:
   * the snapshot and its offset, and the offset up to which its owner stored results (≥ the
   * snapshot's; equal in changelogs of earlier versions).
   */
  async latest(topic: string, partition: number, timeoutMs = 30_000): Promise<{ nextOffset: string; stateOffset: string; state: unknown; deltas: unknown[] } | null> {
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(this.topic);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const behind = offsets.some((o) => BigInt(o.high) > BigInt(o.low) && (this.#positions.get(o.partition) ?? BigInt(o.low)) < BigInt(o.high));
        if (!behind) break;
        if (Date.now() > deadline) throw new Error(`state changelog ${this.topic} did not catch up within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await admin.disconnect();
    }
    const v = this.#latest.get(`${topic}/${partition}`);
    if (!v) return null;
    const out = this.#latest.get(`${topic}/${partition}${OUTPUT_SUFFIX}`)?.nextOffset;
    const nextOffset = out !== undefined && BigInt(out) > BigInt(v.nextOffset) ? out : v.nextOffset;
    // Only full snapshots go to the changelog (deltas stay in DuckDB): the next owner replays from it.
    return { nextOffset, stateOffset: v.nextOffset, state: decodeState(v.state), deltas: [] };
  }

  async stop(): Promise<void> {
    await this.#consumer?.disconnect();
    this.#consumer = null;
  }
}

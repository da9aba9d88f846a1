import type { DuckDBConnection } from '@duckdb/node-api';
import type { Consumer, ConsumerGroupJoinEvent, EachBatchPayload, Producer } from 'kafkajs';
import type { CellTable } from '../src/locate/cell-table.ts';
import { PartitionBuffer } from '../src/ingest/sources/kafka/partition-buffer.ts';
import { createKafka } from '../src/ingest/sources/kafka/kafka-client.ts';
import { ARROW_STREAM_CONTENT_TYPE, decodeArrowMessage } from '../src/ingest/decode/arrow-message.ts';
import { readEnvelope } from './repartition-runner.ts';
import { deadLetterMessage, type DeadLetterMessage } from '../src/ingest/sources/kafka/dead-letter-message.ts';
import { StateChangelog } from '../src/ingest/sources/kafka/state-changelog.ts';
import { StreamStore } from '../src/outputs/duckdb/stream-store.ts';
import { encodeState } from '../src/core/state-codec.ts';
import type { WindowPlugin } from '../src/outputs/window-plugin.ts';
import type { Pseudonymiser } from '../src/privacy/pseudonymiser.ts';
import type { DeviceConsumerPlugin } from '../src/window/device-window.ts';
import type { WindowConfig } from '../src/window/window-config.ts';
import { IngestPipeline, type PipelineSnapshot, type PipelineStats } from './ingest-pipeline.ts';

/** Configuration of {@link runStream}. Window fields default as in `ingest`. */
export interface StreamConfig extends Partial<WindowConfig> {
  brokers: string[];
  topics: string[];
  /** Consumer group; also names the checkpoints in DuckDB. */
  groupId: string;
  cells: CellTable;
  pseudonymiser: Pseudonymiser;
  /** DuckDB connection of this process's database file. */
  connection: DuckDBConnection;
  /**
   * End the run once every assigned partition is caught up and nothing arrived for this long (ms),
   * treating that as the end of input: all windows close. Default: run until `signal` aborts.
   */
  exitWhenIdleMs?: number;
  /** A partition silent this long (processing time) stops holding publication back. Default 30 s. */
  partitionIdleMs?: number;
  /** Longest time between checkpoints while messages flow (ms). Default 5,000. */
  checkpointIntervalMs?: number;
  /** Dead-letter topic: original bytes, reason and source in headers. Default `citypulse-dead-letters`; null disables. */
  deadLetterTopic?: string | null;
  /** Share window state through a compacted topic so a partition can move between processes. Default true. */
  handoff?: boolean;
  plugins?: WindowPlugin[];
  /**
   * Per-device consumers (see `src/window/device-window.ts`): one instance per partition; outputs are
   * stored by their `store` inside the checkpoint transaction, state travels in the partition snapshot.
   */
  deviceConsumers?: readonly DeviceConsumerPlugin<unknown, DuckDBConnection>[];
  /**
   * What the topics carry: `records` (signalling/location JSON or Arrow, the default) or `located`
   * (envelopes of the repartition stage: already validated, pseudonymised and located).
   */
  input?: 'records' | 'located';
  /**
   * With `input: 'located'`: the upstream input partitions (`topic/partition`). Each partition's
   * watermark is the minimum over these sources (a source silent for `partitionIdleMs` stops holding
   * it), because a repartitioned partition interleaves events from all of them.
   */
  sourcePartitions?: string[];
  /** With `exitWhenIdleMs`: also wait until this upstream stage (repartition) has caught up. */
  upstreamCaughtUp?: () => Promise<boolean>;
  /** Wall clock for timestamp plausibility. Default Date.now. */
  now?: () => number;
  signal?: AbortSignal;
  /** Progress after each checkpoint. */
  onCheckpoint?: (info: StreamProgress) => void;
  /** Diagnostics (rebalances, restores). */
  log?: (message: string) => void;
}

/** What {@link runStream} reports. */
export interface StreamProgress {
  messages: number;
  records: number;
  accepted: number;
  deadLetters: number;
  late: number;
  partitions: number;
  publishedUntil: number | null;
  checkpoints: number;
}

interface PartitionState {
  topic: string;
  partition: number;
  pipeline: IngestPipeline;
  buffer: PartitionBuffer;
  nextOffset: bigint;
  /** Processing time of the last message. */
  lastMessageAt: number;
  dirty: boolean;
  dlq: DeadLetterMessage[];
  /** The offset we last sought back to (see eachBatch). */
  soughtTo: bigint | null;
}

const key = (topic: string, partition: number) => `${topic}/${partition}`;

/**
 * Consumes Kafka topics in a consumer group through the same pipeline as `ingest`, with exactly-once
 * results in DuckDB: each partition's results, offset and window state commit in one transaction, and
 * the consumer always resumes from the offsets stored there.
 */
export async function runStream(config: StreamConfig): Promise<StreamProgress> {
  const log = config.log ?? (() => {});
  const now = () => Date.now();
  const store = new StreamStore(config.connection, config.groupId);
  await store.init();
  const meta = await store.meta();
  let publishedUntil = meta.publishedUntil;
  const plugins = config.plugins ?? [];
  const deviceConsumers = config.deviceConsumers ?? [];
  for (const d of deviceConsumers) await d.init?.(config.connection);
  for (const p of plugins) {
    const s = meta.pluginState?.[p.name];
    if (s !== undefined && p.restore) p.restore(s);
  }

  const kafka = createKafka({ brokers: config.brokers, clientId: `citypulse-${config.groupId}` });
  const newConsumer = (): Consumer =>
    kafka.consumer({
      groupId: config.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 4 << 20,
      retry: { retries: 50, initialRetryTime: 300, maxRetryTime: 5_000 },
    });
  let consumer: Consumer = newConsumer();
  const dlqTopic = config.deadLetterTopic === undefined ? 'citypulse-dead-letters' : config.deadLetterTopic;
  const producer: Producer | null = dlqTopic || config.handoff !== false ? kafka.producer({ allowAutoTopicCreation: true }) : null;
  const changelog = config.handoff !== false ? new StateChangelog({ kafka, groupId: config.groupId }) : null;

  const parts = new Map<string, PartitionState>();
  const restoring = new Map<string, Promise<PartitionState>>();
  const totals: StreamProgress = { messages: 0, records: 0, accepted: 0, deadLetters: 0, late: 0, partitions: 0, publishedUntil, checkpoints: 0 };
  const baseline = new Map<string, PipelineStats>();
  let lastCheckpoint = now();
  let lastMessageAt = now();
  let assigned = new Set<string>();
  let checkpointing: Promise<void> = Promise.resolve();
  let fatal: Error | null = null;

  const makePipeline = (p: PartitionState['buffer']) =>
    new IngestPipeline({
      cells: config.cells,
      pseudonymiser: config.pseudonymiser,
      sink: p,
      deviceConsumers,
      ...(config.windowMs !== undefined ? { windowMs: config.windowMs } : {}),
      ...(config.latenessMs !== undefined ? { latenessMs: config.latenessMs } : {}),
      ...(config.presenceTimeoutMs !== undefined ? { presenceTimeoutMs: config.presenceTimeoutMs } : {}),
      ...(config.now ? { now: config.now } : {}),
      ...(config.input === 'located' ? { idleTimeoutMs: config.partitionIdleMs ?? 30_000 } : {}),
    });

  /** Loads a partition's newest checkpoint (local DuckDB or the handoff changelog). */
  const restorePartition = async (topic: string, partition: number): Promise<PartitionState> => {
    const buffer = new PartitionBuffer();
    const pipeline = makePipeline(buffer);
    const local = await store.load(topic, partition);
    const shared = changelog ? await changelog.latest(topic, partition) : null;
    const best = [local, shared].filter((c): c is { nextOffset: string; state: unknown } => c !== null).sort((a, b) => (BigInt(b.nextOffset) > BigInt(a.nextOffset) ? 1 : -1))[0];
    if (best?.state) pipeline.restore(best.state as PipelineSnapshot, now());
    for (const src of config.sourcePartitions ?? []) pipeline.trackInput(src, now());
    const st: PartitionState = {
      topic,
      partition,
      pipeline,
      buffer,
      nextOffset: best ? BigInt(best.nextOffset) : -1n,
      lastMessageAt: now(),
      dirty: false,
      dlq: [],
      soughtTo: null,
    };
    baseline.set(key(topic, partition), structuredClone(pipeline.stats));
    log(`partition ${key(topic, partition)}: ${best ? `resuming at offset ${best.nextOffset} (${best === local ? 'local checkpoint' : 'handoff changelog'})` : 'no checkpoint, from the earliest offset'}`);
    return st;
  };

  const ensurePartition = (topic: string, partition: number): Promise<PartitionState> => {
    const k = key(topic, partition);
    const have = parts.get(k);
    if (have) return Promise.resolve(have);
    let p = restoring.get(k);
    if (!p) {
      p = restorePartition(topic, partition).then((st) => {
        parts.set(k, st);
        restoring.delete(k);
        return st;
      });
      restoring.set(k, p);
    }
    return p;
  };

  /** Writes every dirty partition's results, offsets and state in one transaction. */
  const checkpoint = async (final = false): Promise<void> => {
    const dirty = [...parts.values()].filter((p) => p.dirty || p.buffer.size > 0);
    const until = publishFrontier(final);
    if (dirty.length === 0 && (until === null || until === publishedUntil)) return;
    // Dead letters go to their topic before the transaction: a crash in between re-sends them
    // (at-least-once on the topic) but never loses one; the table stays exactly-once.
    if (producer && dlqTopic) {
      const messages = dirty.flatMap((p) => p.dlq);
      if (messages.length > 0) await producer.send({ topic: dlqTopic, messages, acks: -1 });
      for (const p of dirty) p.dlq = [];
    }
    const batch = dirty.map((p) => {
      const drained = p.buffer.drain();
      return { topic: p.topic, partition: p.partition, nextOffset: String(p.nextOffset), state: encodeState(p.pipeline.snapshot()), ...drained };
    });
    const prev = publishedUntil;
    await store.commit(batch, until, prev, async (rows) => {
      for (const d of deviceConsumers) {
        if (!d.store) continue;
        const out = batch.flatMap((b) => b.device.get(d.name) ?? []);
        if (out.length > 0) await d.store(config.connection, out);
      }
      if (rows.length > 0) for (const pl of plugins) pl.onWindowsClosed(rows);
      for (const pl of plugins) await pl.flush(config.connection);
      const states: Record<string, unknown> = {};
      for (const pl of plugins) if (pl.snapshot) states[pl.name] = pl.snapshot();
      return Object.keys(states).length > 0 ? states : null;
    });
    if (until !== null) publishedUntil = until;
    for (const p of dirty) p.dirty = false;
    // Offsets to Kafka too (lag monitoring); DuckDB stays the source of truth on restart.
    // Best effort, never awaited: during a broker outage these wait for the broker, but DuckDB is
    // already consistent and a lagging copy only means a longer replay for the next owner.
    const offsets = batch.filter((b) => BigInt(b.nextOffset) >= 0n).map((b) => ({ topic: b.topic, partition: b.partition, offset: b.nextOffset }));
    if (offsets.length > 0 && !final) void consumer.commitOffsets(offsets).catch((err: Error) => log(`offset commit to Kafka failed (harmless): ${err.message}`));
    if (changelog && producer) {
      const entries = batch.map((b) => ({ topic: b.topic, partition: b.partition, nextOffset: b.nextOffset, state: b.state }));
      const sent = changelog.publish(producer, entries).catch((err: Error) => log(`state changelog not updated (a moved partition replays further back): ${err.message}`));
      if (final) await sent;
    }
    for (const pl of plugins) await pl.afterCommit?.();
    lastCheckpoint = now();
    totals.checkpoints++;
    totals.publishedUntil = publishedUntil;
    refreshTotals();
    config.onCheckpoint?.({ ...totals });
  };

  /** Runs checkpoints one at a time; a failed one (broker outage) is logged and retried later. */
  const scheduleCheckpoint = (final = false): Promise<void> => {
    checkpointing = checkpointing.then(() =>
      checkpoint(final).catch((err: Error) => {
        if (final) throw err;
        log(`checkpoint postponed: ${err.message}`);
      }),
    );
    return checkpointing;
  };

  /**
   * Windows ending at or before this may be published: every assigned partition that is not idle has
   * closed them (the minimum of the partitions' watermarks). Never moves back.
   */
  const publishFrontier = (final: boolean): number | null => {
    const t = now();
    let min = Infinity;
    let max = -Infinity;
    for (const k of assigned) {
      const p = parts.get(k);
      const c = p?.pipeline.stats.closedUntil ?? null;
      if (c !== null) max = Math.max(max, c);
      if (final) continue;
      const idle = !p || t - p.lastMessageAt >= (config.partitionIdleMs ?? 30_000);
      if (idle) continue;
      if (c === null) return publishedUntil;
      min = Math.min(min, c);
    }
    const frontier = final || !Number.isFinite(min) ? max : min;
    if (!Number.isFinite(frontier)) return publishedUntil;
    return publishedUntil === null ? frontier : Math.max(frontier, publishedUntil);
  };

  const refreshTotals = () => {
    let messages = 0, records = 0, accepted = 0, dead = 0, late = 0;
    for (const p of parts.values()) {
      const s = p.pipeline.stats;
      messages += s.payloads;
      records += s.records;
      accepted += s.accepted;
      late += s.late;
      dead += Object.values(s.deadLetters).reduce((a, b) => a + b, 0);
    }
    Object.assign(totals, { messages, records, accepted, deadLetters: dead, late, partitions: assigned.size });
  };

  const onGroupJoin = (e: ConsumerGroupJoinEvent) => {
    const next = new Set<string>();
    for (const [topic, ps] of Object.entries(e.payload.memberAssignment)) for (const p of ps as number[]) next.add(key(topic, p));
    for (const k of assigned) {
      if (!next.has(k)) {
        // Revoked: forget in-memory work since the last checkpoint; the next owner resumes there.
        parts.delete(k);
        log(`partition ${k}: revoked`);
      }
    }
    assigned = next;
    for (const k of next) {
      const [topic, p] = splitKey(k);
      void ensurePartition(topic, p).then((st) => {
        if (st.nextOffset >= 0n) consumer.seek({ topic, partition: p, offset: String(st.nextOffset) });
      }).catch((err: Error) => (fatal = err));
    }
    log(`assignment: ${[...next].sort().join(', ') || '(none)'}`);
  };

  const eachBatch = async ({ batch, heartbeat, isRunning, isStale }: EachBatchPayload) => {
    const k = key(batch.topic, batch.partition);
    if (!assigned.has(k)) return;
    const st = await ensurePartition(batch.topic, batch.partition);
    const first = batch.messages[0];
    if (first && st.nextOffset >= 0n && BigInt(first.offset) > st.nextOffset && st.soughtTo !== st.nextOffset) {
      // Kafka handed us messages past our checkpoint (its committed offset ran ahead of the state we
      // restored): go back to it once. If the same offset comes again, the gap is real (transaction
      // markers, compaction) and we go on.
      st.soughtTo = st.nextOffset;
      consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(st.nextOffset) });
      return;
    }
    let n = 0;
    let complete = true;
    for (const m of batch.messages) {
      if (!isRunning() || isStale() || parts.get(k) !== st) {
        complete = false;
        break;
      }
      const off = BigInt(m.offset);
      if (off < st.nextOffset) continue;
      const deadBefore = st.buffer.dead.length;
      const position = `${batch.partition}@${m.offset}`;
      const encoding = m.headers?.['content-type']?.toString();
      if (config.input === 'located') {
        st.pipeline.stats.payloads++;
        const env = readEnvelope(m.value ? m.value.toString('utf8') : '{}');
        if ('dl' in env) st.pipeline.processDeadLetter(env.dl);
        else st.pipeline.processLocated(env.ev, env.source, env.position, env.input, now());
      } else if (encoding === ARROW_STREAM_CONTENT_TYPE && m.value) {
        decodeArrowMessage(m.value, st.pipeline, batch.topic, position, k);
      } else {
        st.pipeline.processPayload(m.value ? m.value.toString('utf8') : '', batch.topic, position, k);
      }
      if (dlqTopic && st.buffer.dead.length > deadBefore) {
        st.dlq.push(deadLetterMessage(m, batch.topic, batch.partition, st.buffer.dead.slice(deadBefore).map((d) => d.reason)));
      }
      st.nextOffset = off + 1n;
      st.dirty = true;
      if ((++n & 1023) === 0) {
        st.pipeline.advance(now());
        await heartbeat();
      }
    }
    // Offsets not carried by a message (transaction markers) are consumed too.
    const lastOffset = batch.lastOffset();
    if (complete && lastOffset !== null && BigInt(lastOffset) + 1n > st.nextOffset) st.nextOffset = BigInt(lastOffset) + 1n;
    st.pipeline.advance(now());
    st.pipeline.tick();
    st.lastMessageAt = now();
    lastMessageAt = now();
    // Closed windows are checkpointed — published, alerts evaluated — right away.
    const due = now() - lastCheckpoint >= (config.checkpointIntervalMs ?? 5_000);
    if (st.buffer.rows.length > 0 || due) await scheduleCheckpoint();
    await heartbeat();
  };

  const admin = kafka.admin();
  await admin.connect();
  let stopping = false;
  /** Connects, subscribes and runs `consumer`; wires the rebalance and crash handlers. */
  const startConsumer = async (c: Consumer): Promise<void> => {
    c.on(c.events.GROUP_JOIN, onGroupJoin);
    c.on(c.events.CRASH, (e) => {
      if (e.payload.restart || stopping || c !== consumer) return;
      // kafkajs sometimes gives up for good after a broker restart (tulios/kafkajs#1630): replace the
      // consumer; partitions resume from the offsets stored in DuckDB.
      log(`consumer stopped by kafkajs (${e.payload.error.message}); starting a new one`);
      const next = newConsumer();
      consumer = next;
      void bounded(c.disconnect(), 10_000)
        .then(() => startConsumer(next))
        .catch((err: Error) => (fatal = err));
    });
    await c.connect();
    for (const topic of config.topics) await c.subscribe({ topic, fromBeginning: true });
    await c.run({ autoCommit: false, eachBatchAutoResolve: true, partitionsConsumedConcurrently: 1, eachBatch });
  };
  if (producer) await producer.connect();
  if (changelog) await changelog.start();
  await startConsumer(consumer);

  try {
    // Supervise: periodic checkpoints, idle partitions, end of input, shutdown.
    for (;;) {
      if (fatal) throw fatal;
      if (config.signal?.aborted) break;
      await sleep(250, config.signal);
      if (now() - lastCheckpoint >= (config.checkpointIntervalMs ?? 5_000)) await scheduleCheckpoint();
      if (config.exitWhenIdleMs !== undefined && now() - lastMessageAt >= config.exitWhenIdleMs && assigned.size > 0) {
        const check = async () => (config.upstreamCaughtUp ? await config.upstreamCaughtUp() : true) && (await caughtUp(admin, assigned, parts));
        const done = await Promise.race([check().catch(() => false), sleep(10_000).then(() => false)]);
        if (done) break;
      }
    }
    await checkpointing;
    if (config.exitWhenIdleMs !== undefined && !config.signal?.aborted) {
      // End of input: every window closes.
      for (const k of assigned) {
        const p = parts.get(k);
        if (!p) continue;
        p.pipeline.finish();
        p.dirty = true;
      }
      await scheduleCheckpoint(true);
    } else {
      await scheduleCheckpoint();
    }
    refreshTotals();
    return { ...totals };
  } finally {
    // Leave the group cleanly, but never hang on a client stuck reconnecting.
    stopping = true;
    await bounded(consumer.disconnect(), 15_000);
    if (changelog) await bounded(changelog.stop(), 10_000);
    if (producer) await bounded(producer.disconnect(), 10_000);
    await bounded(admin.disconnect(), 10_000);
    for (const p of plugins) await p.close?.();
  }
}

async function caughtUp(admin: ReturnType<ReturnType<typeof createKafka>['admin']>, assigned: Set<string>, parts: Map<string, PartitionState>): Promise<boolean> {
  const byTopic = new Map<string, number[]>();
  for (const k of assigned) {
    const [t, p] = splitKey(k);
    byTopic.set(t, [...(byTopic.get(t) ?? []), p]);
  }
  for (const [topic, ps] of byTopic) {
    const offsets = await admin.fetchTopicOffsets(topic);
    for (const o of offsets) {
      if (!ps.includes(o.partition)) continue;
      const st = parts.get(key(topic, o.partition));
      const high = BigInt(o.high);
      const low = BigInt(o.low);
      if (high === low) continue; // empty partition
      if (!st || st.nextOffset < high) return false;
    }
  }
  return true;
}

/** Waits for `p` at most `ms`; errors and time-outs are ignored (used for shutdown steps). */
async function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => {}), new Promise((r) => (t = setTimeout(r, ms)))]);
  clearTimeout(t);
}

function splitKey(k: string): [string, number] {
  const i = k.lastIndexOf('/');
  return [k.slice(0, i), Number(k.slice(i + 1))];
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}

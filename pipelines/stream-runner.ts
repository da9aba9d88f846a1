import type { ConsumerGroupJoinEvent } from 'kafkajs';
import { ConsumerSupervisor, bounded } from '../src/ingest/sources/kafka/consumer-supervisor.ts';
import { createKafka } from '../src/ingest/sources/kafka/kafka-client.ts';
import { groupCaughtUp } from '../src/ingest/sources/kafka/partitions-caught-up.ts';
import { peersSettled } from '../src/ingest/sources/kafka/peers-settled.ts';
import { StateChangelog } from '../src/ingest/sources/kafka/state-changelog.ts';
import { subscriberPartitioner } from '../src/ingest/sources/kafka/subscriber-partitioner.ts';
import { StreamStore } from '../src/outputs/duckdb/stream-store.ts';
import { Checkpointer, type CheckpointEffects } from './stream/checkpointer.ts';
import { splitPartitionKey, partitionKey } from './stream/partition-state.ts';
import { PartitionTable } from './stream/partition-table.ts';
import { applyReport, processBatch, type BatchContext } from './stream/process-batch.ts';
import { PartitionWorkers } from './stream/partition-workers.ts';
import { isLocal } from './stream/partition-state.ts';
import { restorePartition } from './stream/restore-partition.ts';
import { EndOffsets, createStreamStatus } from './stream/stream-status.ts';
import { STREAM_DEFAULTS, resolveStreamConfig, type ResolvedStreamConfig, type StreamConfig, type StreamProgress } from './stream/stream-config.ts';

export type { StreamConfig, StreamProgress } from './stream/stream-config.ts';

type Kafka = ReturnType<typeof createKafka>;

/**
 * Consumes Kafka topics in a consumer group through the same pipeline as `ingest`, with exactly-once
 * results in DuckDB: each partition's results, offset and window state commit in one transaction, and
 * the consumer always resumes from the offsets stored there.
 *
 * Devices and partitions: on `records` input the fast path windows each partition on its own, which
 * is exact only when every device lives in one partition. `citypulse publish` keys every record by
 * its subscriber (splitting mixed arrays), and the runner checks every record: one whose subscriber
 * is neither the message key nor mapped to this partition by the producer's partitioner stops the run
 * before anything of its message is stored, naming `--repartition` (the stage that re-keys any feed).
 * A silent over-count is never possible; the check costs one hash per record of unkeyed messages.
 *
 * Composition of named parts (`pipelines/stream/`): config resolved once ({@link resolveStreamConfig}),
 * a {@link PartitionTable}, {@link processBatch}, a {@link Checkpointer}, a {@link ConsumerSupervisor}.
 */
export async function runStream(config: StreamConfig): Promise<StreamProgress> {
  const cfg = resolveStreamConfig(config);
  const store = new StreamStore(cfg.connection, cfg.groupId);
  await store.init();
  for (const d of cfg.deviceConsumers) await d.init?.(cfg.connection);
  const meta = await store.meta();
  for (const p of cfg.plugins) {
    const s = meta.pluginState?.[p.name];
    if (s !== undefined && p.restore) p.restore(s);
  }
  const kafka = createKafka({ brokers: cfg.brokers, clientId: `citypulse-${cfg.groupId}` });
  const producer = cfg.deadLetterTopic || cfg.handoff ? kafka.producer({ allowAutoTopicCreation: true }) : null;
  const changelog = cfg.handoff ? new StateChangelog({ kafka, groupId: cfg.groupId }) : null;
  const admin = kafka.admin();
  let fatal: Error | null = null;
  const onFatal = (err: Error) => void (fatal ??= err);
  const counts = partitionCounts(admin);
  // `--workers N`: the partitions' pipelines run in worker threads; their reports apply here.
  const workers = cfg.workers
    ? new PartitionWorkers(
        { ...cfg.workers, deadLetters: cfg.deadLetterTopic !== null, devicePassDelayMs: STREAM_DEFAULTS.devicePassDelayMs },
        (r) => applyReport(r, ctx),
        onFatal,
      )
    : null;
  const table = new PartitionTable((topic, partition) =>
    workers ? counts(topic).then((n) => restorePartition(cfg, store, changelog, topic, partition, { workers, partitions: n })) : restorePartition(cfg, store, changelog, topic, partition),
  );
  const checkpointer = new Checkpointer({
    store, table, connection: cfg.connection, plugins: cfg.plugins, deviceConsumers: cfg.deviceConsumers, clock: cfg.clock,
    partitionIdleMs: cfg.partitionIdleMs, publishedUntil: meta.publishedUntil, input: cfg.input, snapshotIntervalMs: cfg.snapshotIntervalMs, incremental: cfg.incrementalSnapshots, snapshotCostFactor: STREAM_DEFAULTS.snapshotCostFactor, log: cfg.log, onFatal, ...(cfg.mirror ? { mirror: cfg.mirror } : {}),
    effects: checkpointEffects(cfg, producer, changelog, () => supervisor.current),
    onCheckpoint: () => cfg.onCheckpoint?.(progress(table, checkpointer)),
    observer: cfg.observer,
    workers,
  });
  const ends = new EndOffsets();
  cfg.observer?.attach?.(createStreamStatus({ table, checkpointer, ends, now: cfg.now, readyMaxLag: cfg.readyMaxLag ?? STREAM_DEFAULTS.readyMaxLag }));
  const ctx: BatchContext = { cfg, table, checkpointer, consumer: () => supervisor.current, partitionerOf: null, activity: { lastMessageAt: cfg.clock.now() }, fatal: onFatal, workers };
  const supervisor = new ConsumerSupervisor({
    create: () => kafka.consumer({ groupId: cfg.groupId, ...STREAM_DEFAULTS.consumer, retry: { ...STREAM_DEFAULTS.consumer.retry } }),
    topics: cfg.topics,
    eachBatch: (payload) => processBatch(payload, ctx),
    onGroupJoin: (e) => onGroupJoin(e, cfg, table, () => supervisor.current, onFatal, workers),
    onFatal,
    log: cfg.log,
  });
  try {
    if (cfg.mirror) {
      // Before consuming: the mirror's schema, and what an earlier run staged but did not deliver.
      await cfg.mirror.init(cfg.connection);
      await cfg.mirror.deliver(cfg.connection, true);
    }
    await admin.connect();
    // The partitioner is a closure over the cached count: rebuilding it per batch costs nothing.
    if (cfg.input === 'records') ctx.partitionerOf = (topic) => counts(topic).then((n) => subscriberPartitioner(topic, n));
    if (producer) await producer.connect();
    if (changelog) await changelog.start();
    await supervisor.start();
    const endOfInput = await supervise(cfg, table, checkpointer, admin, ctx.activity, () => fatal, ends);
    await checkpointer.settled();
    // Every batch sent to a worker comes back before the last checkpoint.
    await workers?.drain();
    if (fatal) throw fatal;
    if (endOfInput) {
      // End of input: every window closes.
      for (const k of table.assigned) {
        const p = table.get(k);
        if (!p) continue;
        if (isLocal(p)) p.pipeline.finish();
        else await workers!.finish(k, cfg.clock.now());
        p.dirty = true;
      }
    }
    await checkpointer.schedule(endOfInput);
    return progress(table, checkpointer);
  } finally {
    await supervisor.stop(STREAM_DEFAULTS.shutdown.consumerMs);
    if (changelog) await bounded(changelog.stop(), STREAM_DEFAULTS.shutdown.otherMs);
    if (producer) await bounded(producer.disconnect(), STREAM_DEFAULTS.shutdown.otherMs);
    await bounded(admin.disconnect(), STREAM_DEFAULTS.shutdown.otherMs);
    for (const p of cfg.plugins) await p.close?.();
    await cfg.mirror?.close();
    await workers?.close();
  }
}

/**
 * The supervision loop: periodic checkpoints and the end of input. Returns true at the end of input
 * (`exitWhenIdleMs`), false when the signal aborted; throws a fatal error.
 */
async function supervise(cfg: ResolvedStreamConfig, table: PartitionTable, checkpointer: Checkpointer, admin: ReturnType<Kafka['admin']>, activity: { lastMessageAt: number }, fatal: () => Error | null, ends: EndOffsets): Promise<boolean> {
  const { clock } = cfg;
  let looking = false;
  let lastLook = -Infinity;
  for (;;) {
    const err = fatal();
    if (err) throw err;
    if (cfg.signal?.aborted) return false;
    await clock.sleep(STREAM_DEFAULTS.superviseEveryMs, cfg.signal);
    if (cfg.observer && !looking && clock.now() - lastLook >= STREAM_DEFAULTS.endOffsetsEveryMs) {
      // Not awaited: a slow broker answer must not delay checkpoints.
      looking = true;
      lastLook = clock.now();
      void ends.refresh(admin, cfg.topics, clock.now()).catch((e: Error) => cfg.log(`partition ends not looked up (lag unknown for now): ${e.message}`)).finally(() => (looking = false));
    }
    if (clock.now() - checkpointer.lastAt >= cfg.checkpointIntervalMs) await checkpointer.schedule();
    if (cfg.exitWhenIdleMs === undefined || clock.now() - activity.lastMessageAt < cfg.exitWhenIdleMs || table.assigned.size === 0) continue;
    const check = async () =>
      (cfg.upstreamCaughtUp ? await cfg.upstreamCaughtUp() : true) &&
      (await peersSettled(admin, cfg.groupId, cfg.topics, table.assigned, table.lastAssignmentAt, clock.now(), STREAM_DEFAULTS.consumer)) &&
      (await groupCaughtUp(admin, cfg.groupId, cfg.topics, (t, p) => (table.assigned.has(partitionKey(t, p)) ? (table.get(partitionKey(t, p))?.nextOffset ?? -1n) : undefined)));
    const done = await Promise.race([check().catch(() => false), clock.sleep(STREAM_DEFAULTS.caughtUpTimeoutMs).then(() => false)]);
    if (done && !fatal()) return true;
  }
}

/** A rebalance: forget revoked partitions, restore and seek the assigned ones. */
function onGroupJoin(e: ConsumerGroupJoinEvent, cfg: ResolvedStreamConfig, table: PartitionTable, consumer: () => { seek: (o: { topic: string; partition: number; offset: string }) => void }, onFatal: (err: Error) => void, workers: PartitionWorkers | null): void {
  const next = new Set<string>();
  for (const [topic, ps] of Object.entries(e.payload.memberAssignment)) for (const p of ps as number[]) next.add(partitionKey(topic, p));
  for (const k of table.assign(next, cfg.clock.now())) {
    workers?.drop(k);
    cfg.log(`partition ${k}: revoked`);
  }
  for (const k of next) {
    const [topic, p] = splitPartitionKey(k);
    void table
      .ensure(topic, p)
      .then((st) => {
        if (st.nextOffset >= 0n && table.isLive(st)) consumer().seek({ topic, partition: p, offset: String(st.nextOffset) });
      })
      .catch(onFatal);
  }
  cfg.log(`assignment: ${[...next].sort().join(', ') || '(none)'}`);
}

/** The Kafka side effects of checkpoints: dead-letter topic, committed offsets, state changelog. */
function checkpointEffects(cfg: ResolvedStreamConfig, producer: ReturnType<Kafka['producer']> | null, changelog: StateChangelog | null, consumer: () => { commitOffsets: (o: { topic: string; partition: number; offset: string }[]) => Promise<void> }): CheckpointEffects {
  const dlqTopic = cfg.deadLetterTopic;
  return {
    ...(producer && dlqTopic ? { sendDeadLetters: async (messages) => void (await producer.send({ topic: dlqTopic, messages, acks: -1 })) } : {}),
    commitOffsets: (offsets) => consumer().commitOffsets(offsets),
    ...(producer && changelog ? { publishStates: (entries) => changelog.publish(producer, entries) } : {}),
  };
}

/**
 * Per topic (looked up once, on its first batch): its partition count, for the subscriber → partition
 * map of the producer's default partitioner (the ownership check of `records` input).
 */
function partitionCounts(admin: ReturnType<Kafka['admin']>): (topic: string) => Promise<number> {
  const cache = new Map<string, Promise<number>>();
  return (topic) => {
    let p = cache.get(topic);
    if (!p) {
      p = admin.fetchTopicMetadata({ topics: [topic] }).then((m) => m.topics[0]!.partitions.length);
      p.catch(() => cache.delete(topic));
      cache.set(topic, p);
    }
    return p;
  };
}

function progress(table: PartitionTable, checkpointer: Checkpointer): StreamProgress {
  return { ...table.totals(), partitions: table.assigned.size, publishedUntil: checkpointer.publishedUntil, checkpoints: checkpointer.count };
}

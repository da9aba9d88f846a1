import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { CitypulseError } from '../../src/core/citypulse-error.ts';
import { decodeMessage } from '../../src/ingest/decode/decode-message.ts';
import { deadLetterMessage } from '../../src/ingest/sources/kafka/dead-letter-message.ts';
import { readEnvelope } from '../repartition-runner.ts';
import type { Checkpointer } from './checkpointer.ts';
import { partitionKey, type PartitionState } from './partition-state.ts';
import type { PartitionTable } from './partition-table.ts';
import type { ResolvedStreamConfig } from './stream-config.ts';
import { STREAM_DEFAULTS } from './stream-config.ts';

/** What {@link processBatch} works with. */
export interface BatchContext {
  cfg: ResolvedStreamConfig;
  table: PartitionTable;
  checkpointer: Checkpointer;
  consumer: () => Consumer;
  /**
   * For `records` input: resolves the subscriber → partition map of `topic` (the producer's murmur2
   * partitioner over the topic's partition count), for the ownership check. Null disables the check.
   */
  partitionerOf: ((topic: string) => Promise<(imsi: string) => number>) | null;
  /** Processing time of the last message of any partition (end-of-input detection). */
  activity: { lastMessageAt: number };
  fatal: (err: Error) => void;
}

/**
 * One kafkajs batch of one partition through its pipeline: skip what the checkpoint already holds,
 * decode and window every message, queue poison messages for the dead-letter topic, advance the
 * watermark, and checkpoint when windows closed or the interval passed. After a restore from a
 * snapshot older than the stored results, messages up to `replayUntil` only rebuild the state: what
 * they emit is dropped and the partition is not checkpointed until the replay is over.
 */
export async function processBatch(payload: EachBatchPayload, ctx: BatchContext): Promise<void> {
  const { batch, heartbeat, isRunning, isStale } = payload;
  const { cfg, table } = ctx;
  if (!table.assigned.has(partitionKey(batch.topic, batch.partition))) return;
  const st = await table.ensure(batch.topic, batch.partition);
  if (st.poisoned) return;
  const partitionOf = ctx.partitionerOf ? await ctx.partitionerOf(batch.topic) : null;
  const first = batch.messages[0];
  if (first && st.nextOffset >= 0n && BigInt(first.offset) > st.nextOffset && st.soughtTo !== st.nextOffset) {
    // Kafka handed us messages past our checkpoint (its committed offset ran ahead of the state we
    // restored): go back to it once. If the same offset comes again, the gap is real (transaction
    // markers, compaction) and we go on.
    st.soughtTo = st.nextOffset;
    ctx.consumer().seek({ topic: batch.topic, partition: batch.partition, offset: String(st.nextOffset) });
    return;
  }
  let n = 0;
  let complete = true;
  // Whether to go on (running, not sought elsewhere, partition still ours) and the processing time
  // can change only across an await: they are read at the start and after each heartbeat, not per
  // message (asking kafkajs whether a batch is stale builds a JSON key each time).
  let live = isRunning() && !isStale() && table.isLive(st);
  let msgNow = cfg.clock.now();
  const pkey = partitionKey(st.topic, st.partition);
  for (const m of batch.messages) {
    if (!live) {
      complete = false;
      break;
    }
    const off = BigInt(m.offset);
    if (off < st.nextOffset) continue;
    if (st.replayUntil >= 0n && off >= st.replayUntil) endReplay(st, ctx);
    if (!processMessage(m, st, ctx, partitionOf, msgNow, pkey)) return;
    st.nextOffset = off + 1n;
    if (st.replayUntil < 0n) st.dirty = true;
    if ((++n & (STREAM_DEFAULTS.advanceEvery - 1)) === 0) {
      msgNow = cfg.clock.now();
      st.pipeline.advance(msgNow);
      if (st.replayUntil >= 0n) dropReplayed(st);
      await heartbeat();
      live = isRunning() && !isStale() && table.isLive(st);
      msgNow = cfg.clock.now();
    }
  }
  // Offsets not carried by a message (transaction markers) are consumed too.
  const lastOffset = batch.lastOffset();
  if (complete && lastOffset !== null && BigInt(lastOffset) + 1n > st.nextOffset) st.nextOffset = BigInt(lastOffset) + 1n;
  const now = cfg.clock.now();
  st.pipeline.advance(now);
  st.pipeline.tick();
  if (st.replayUntil >= 0n) {
    if (st.nextOffset >= st.replayUntil) endReplay(st, ctx);
    else dropReplayed(st);
  }
  st.lastMessageAt = now;
  ctx.activity.lastMessageAt = now;
  // Closed windows are checkpointed — published, alerts evaluated — right away while the partition
  // is caught up. On a backlog (the log already holds messages past this batch) each batch of a
  // whole day closes windows, and a checkpoint after every one of them left the thread waiting on
  // commits a third of the time: there, at most one per catchUpCheckpointMs. Exactly-once is the
  // same either way — rows, offsets and state land in one transaction, whenever it runs.
  const since = now - ctx.checkpointer.lastAt;
  const hw = batch.highWatermark;
  const behind = complete && typeof hw === 'string' && hw !== '' && BigInt(hw) > st.nextOffset;
  if ((st.buffer.rows.length > 0 && (!behind || since >= cfg.catchUpCheckpointMs)) || since >= cfg.checkpointIntervalMs) await ctx.checkpointer.schedule();
  await heartbeat();
}

/**
 * The replay after a restore reached the offset up to which results are stored: the state now is
 * the one the checkpoint at that offset had (windows close by watermark, which depends only on the
 * messages, so advancing here closes exactly the windows that checkpoint had closed); everything
 * emitted so far is stored already and is dropped. From here on outputs count.
 */
function endReplay(st: PartitionState, ctx: BatchContext): void {
  st.pipeline.advance(ctx.cfg.clock.now());
  dropReplayed(st);
  ctx.cfg.log(`partition ${partitionKey(st.topic, st.partition)}: replayed up to offset ${st.replayUntil}, storing results from there`);
  st.replayUntil = -1n;
}

/** Drops what the replay emitted (presence rows, device outputs, dead letters, late events): stored already. */
function dropReplayed(st: PartitionState): void {
  st.buffer.drain();
  st.dlq = [];
}

/**
 * One message through the partition's pipeline. Returns false when the message holds a record of a
 * subscriber that belongs to another partition: the partition is then poisoned (never checkpointed
 * again, so nothing of the message lands) and the run stops with an error saying what to do.
 */
function processMessage(m: KafkaMessage, st: PartitionState, ctx: BatchContext, partitionOf: ((imsi: string) => number) | null, now: number, pkey: string): boolean {
  const { cfg } = ctx;
  const position = `${st.partition}@${m.offset}`;
  const deadBefore = st.buffer.dead.length;
  if (cfg.input === 'located') {
    st.pipeline.stats.payloads++;
    const env = readEnvelope(m.value ? m.value.toString('utf8') : '{}');
    if ('dl' in env) st.pipeline.processDeadLetter(env.dl);
    else st.pipeline.processLocated(env.ev, env.source, env.position, env.input, now);
  } else {
    const key = m.key ? m.key.toString('utf8') : null;
    const owns = partitionOf ? (imsi: string) => imsi === key || partitionOf(imsi) === st.partition : undefined;
    const strays = st.pipeline.stats.strays;
    st.pipeline.processMessage(decodeMessage(m.value, m.headers?.['content-type']?.toString()), st.topic, position, pkey, now, owns);
    if (st.pipeline.stats.strays > strays) {
      st.poisoned = true;
      ctx.fatal(
        new CitypulseError(
          `topic ${st.topic} mixes subscribers across partitions: message ${position} holds records of subscribers that belong to other partitions. ` +
            'Counting them here would count a device once per partition; nothing of this message was stored. ' +
            'Publish with `citypulse publish` (one key per subscriber), or run `citypulse stream --repartition`.',
          { kind: 'usage', topic: st.topic, partition: st.partition, offset: m.offset },
        ),
      );
      return false;
    }
  }
  if (cfg.deadLetterTopic && st.buffer.dead.length > deadBefore) {
    st.dlq.push(deadLetterMessage(m, st.topic, st.partition, st.buffer.dead.slice(deadBefore).map((d) => d.reason)));
  }
  return true;
}

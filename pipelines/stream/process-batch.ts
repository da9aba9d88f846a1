import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { CitypulseError } from '../../src/core/citypulse-error.ts';
import { deadLetterMessage } from '../../src/ingest/sources/kafka/dead-letter-message.ts';
import { readEnvelope } from '../repartition-runner.ts';
import type { Checkpointer } from './checkpointer.ts';
import type { IngestPipeline } from '../ingest-pipeline.ts';
import { feedRecords } from './feed-records.ts';
import { isLocal, isRemote, partitionKey, type PartitionState } from './partition-state.ts';
import type { PartitionReport, PartitionWorkers, RemotePipeline } from './partition-workers.ts';
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
  /** `stream --workers N`: the worker threads holding the partitions' pipelines, or null. */
  workers?: PartitionWorkers | null;
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
  // Where the input stands: what was processed here, or sent to the partition's worker.
  const position = isRemote(st) ? st.pipeline.dispatched : st.nextOffset;
  const first = batch.messages[0];
  if (first && position >= 0n && BigInt(first.offset) > position && st.soughtTo !== position) {
    // Kafka handed us messages past our checkpoint (its committed offset ran ahead of the state we
    // restored): go back to it once. If the same offset comes again, the gap is real (transaction
    // markers, compaction) and we go on.
    st.soughtTo = position;
    ctx.consumer().seek({ topic: batch.topic, partition: batch.partition, offset: String(position) });
    return;
  }
  if (isRemote(st)) return dispatchBatch(payload, st, ctx);
  if (!isLocal(st)) return;
  const partitionOf = ctx.partitionerOf ? await ctx.partitionerOf(batch.topic) : null;
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
function endReplay(st: PartitionState<IngestPipeline>, ctx: BatchContext): void {
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
function processMessage(m: KafkaMessage, st: PartitionState<IngestPipeline>, ctx: BatchContext, partitionOf: ((imsi: string) => number) | null, now: number, pkey: string): boolean {
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
    if (!feedRecords(st.pipeline, m.value, m.headers?.['content-type']?.toString(), key, st.partition, partitionOf, st.topic, position, pkey, now)) {
      st.poisoned = true;
      ctx.fatal(strayError(st, m.offset));
      return false;
    }
  }
  if (cfg.deadLetterTopic && st.buffer.dead.length > deadBefore) {
    st.dlq.push(deadLetterMessage(m, st.topic, st.partition, st.buffer.dead.slice(deadBefore).map((d) => d.reason)));
  }
  return true;
}

/** A message of `st` at `offset` held records of subscribers that belong to other partitions. */
function strayError(st: PartitionState, offset: string): CitypulseError {
  return new CitypulseError(
    `topic ${st.topic} mixes subscribers across partitions: message ${st.partition}@${offset} holds records of subscribers that belong to other partitions. ` +
      'Counting them here would count a device once per partition; nothing of this message was stored. ' +
      'Publish with `citypulse publish` (one key per subscriber), or run `citypulse stream --repartition`.',
    { kind: 'usage', topic: st.topic, partition: st.partition, offset },
  );
}

/**
 * `stream --workers N`: one kafkajs batch goes to the worker holding the partition's pipeline, which
 * runs the steps above; its answer comes back through {@link applyReport}. The batch is not awaited —
 * Kafka fetches the next while the worker works — unless the worker is `MAX_IN_FLIGHT` batches
 * behind. Checkpoints follow the same rule as above on what has come back so far, asked for
 * without waiting.
 */
async function dispatchBatch(payload: EachBatchPayload, st: PartitionState<RemotePipeline>, ctx: BatchContext): Promise<void> {
  const { batch, heartbeat, isRunning, isStale } = payload;
  const { cfg, table } = ctx;
  const rp = st.pipeline;
  if (!(isRunning() && !isStale() && table.isLive(st))) return;
  let from = 0;
  while (from < batch.messages.length && BigInt(batch.messages[from]!.offset) < rp.dispatched) from++;
  const messages = from === 0 ? batch.messages : batch.messages.slice(from);
  const lastOffset = batch.lastOffset();
  // Offsets not carried by a message (transaction markers) are consumed too.
  const consumedUntil = lastOffset !== null ? BigInt(lastOffset) + 1n : -1n;
  const next = consumedUntil > rp.dispatched ? consumedUntil : messages.length > 0 ? BigInt(messages.at(-1)!.offset) + 1n : rp.dispatched;
  if (next === rp.dispatched) return;
  rp.dispatched = next;
  const hw = batch.highWatermark;
  rp.behind = typeof hw === 'string' && hw !== '' && BigInt(hw) > next;
  const now = cfg.clock.now();
  st.lastMessageAt = now;
  ctx.activity.lastMessageAt = now;
  await ctx.workers!.dispatch(rp, partitionKey(st.topic, st.partition), messages, Number(consumedUntil), now, cfg.now(), heartbeat);
  // Asked for, not awaited: a checkpoint waits for the workers' answers, and Kafka keeps feeding them
  // meanwhile (the workers' in-flight bound is the back-pressure).
  const since = cfg.clock.now() - ctx.checkpointer.lastAt;
  if ((st.buffer.rows.length > 0 && (!rp.behind || since >= cfg.catchUpCheckpointMs)) || since >= cfg.checkpointIntervalMs) ctx.checkpointer.request();
  await heartbeat();
}

/**
 * A worker's report on a partition (`stream --workers N`), applied in one synchronous step: what the
 * partition emitted joins its buffer, its offset moves to where the worker got, poison messages queue
 * for the dead-letter topic. Reports of a partition no longer held here (revoked, restored again) are
 * ignored. A partition with nothing else in flight whose windows closed is checkpointed at once, as
 * a caught-up partition is in {@link processBatch}.
 */
export function applyReport(r: PartitionReport, ctx: BatchContext): void {
  const st = ctx.table.get(r.key);
  if (!st || !isRemote(st) || st.pipeline.gen !== r.gen) return;
  const rp = st.pipeline;
  const sent = r.batch ? rp.sent.shift() : null;
  if (st.poisoned) return;
  rp.update(r);
  for (const message of r.logs) ctx.cfg.log(message);
  if (r.strayAt !== null) {
    st.poisoned = true;
    ctx.fatal(strayError(st, r.strayAt.slice(r.strayAt.indexOf('@') + 1)));
    return;
  }
  const { buffer } = st;
  buffer.presence(r.drained.rows);
  for (const d of r.drained.dead) buffer.deadLetter(d);
  for (const l of r.drained.lates) buffer.late(l);
  for (const [name, rows] of r.drained.device) {
    if (!ctx.cfg.deviceConsumers.some((d) => d.name === name)) {
      st.poisoned = true;
      ctx.fatal(new Error(`a stream worker emitted outputs of device consumer '${name}', which this runner does not store: the workers' consumers must be the runner's`));
      return;
    }
    buffer.deviceOutputs(name, rows);
  }
  if (sent) for (const d of r.dlq) st.dlq.push(deadLetterMessage(sent[d.index]!, st.topic, st.partition, d.reasons));
  st.nextOffset = BigInt(r.nextOffset);
  if (r.dirty) st.dirty = true;
  st.replayUntil = BigInt(r.replayUntil);
  if (r.batch && rp.sent.length === 0 && !rp.behind && r.drained.rows.length > 0) ctx.checkpointer.request();
}

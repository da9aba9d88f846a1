import { PartitionBuffer } from '../../src/ingest/sources/kafka/partition-buffer.ts';
import type { StateChangelog } from '../../src/ingest/sources/kafka/state-changelog.ts';
import type { StreamStore } from '../../src/outputs/duckdb/stream-store.ts';
import { IngestPipeline, isPipelineDelta, type PipelineDelta, type PipelineSnapshot } from '../ingest-pipeline.ts';
import type { PartitionWorkers, RemotePipeline } from './partition-workers.ts';
import { partitionKey, type PartitionState } from './partition-state.ts';
import { STREAM_DEFAULTS, type ResolvedStreamConfig } from './stream-config.ts';

/** A fresh partition pipeline writing into `buffer`, configured from the stream's config. */
export function makePartitionPipeline(cfg: ResolvedStreamConfig, buffer: PartitionBuffer): IngestPipeline {
  return new IngestPipeline({
    cells: cfg.cells,
    pseudonymiser: cfg.pseudonymiser,
    sink: buffer,
    deviceConsumers: cfg.deviceConsumers,
    now: cfg.now,
    devicePassDelayMs: STREAM_DEFAULTS.devicePassDelayMs,
    ...(cfg.windowMs !== undefined ? { windowMs: cfg.windowMs } : {}),
    ...(cfg.latenessMs !== undefined ? { latenessMs: cfg.latenessMs } : {}),
    ...(cfg.presenceTimeoutMs !== undefined ? { presenceTimeoutMs: cfg.presenceTimeoutMs } : {}),
    ...(cfg.input === 'located' ? { idleTimeoutMs: cfg.partitionIdleMs } : {}),
  });
}

/**
 * Loads a partition's newest snapshot — the local DuckDB one or the handoff changelog's, whichever
 * was taken further — into a fresh pipeline, positioned at the snapshot's offset and replaying up to
 * the furthest offset whose results either says are stored.
 */
export async function restorePartition(cfg: ResolvedStreamConfig, store: StreamStore, changelog: StateChangelog | null, topic: string, partition: number): Promise<PartitionState<IngestPipeline>>;
export async function restorePartition(cfg: ResolvedStreamConfig, store: StreamStore, changelog: StateChangelog | null, topic: string, partition: number, remote?: { workers: PartitionWorkers; partitions: number | null }): Promise<PartitionState>;
export async function restorePartition(cfg: ResolvedStreamConfig, store: StreamStore, changelog: StateChangelog | null, topic: string, partition: number, remote?: { workers: PartitionWorkers; partitions: number | null }): Promise<PartitionState> {
  const buffer = new PartitionBuffer();
  const now = cfg.clock.now();
  const local = await store.load(topic, partition);
  const shared = changelog ? await changelog.latest(topic, partition) : null;
  const found = [local, shared].filter((c) => c !== null);
  const best = found.sort((a, b) => (BigInt(b.stateOffset) > BigInt(a.stateOffset) ? 1 : -1))[0];
  const stored = found.reduce((m, c) => (BigInt(c.nextOffset) > m ? BigInt(c.nextOffset) : m), -1n);
  const from = best ? BigInt(best.stateOffset) : -1n;
  const replayUntil = best && stored > from ? stored : -1n;
  const deltas = (best?.deltas ?? []).map((d, i) => {
    if (!isPipelineDelta(d)) throw new Error(`incremental snapshot ${i + 1} of ${partitionKey(topic, partition)} is not a delta: the checkpoint tables were changed outside citypulse`);
    return d;
  }) satisfies PipelineDelta[];
  let pipeline: IngestPipeline | RemotePipeline;
  if (remote) {
    // The pipeline is rebuilt in a worker thread from the same snapshot (`stream --workers N`).
    pipeline = await remote.workers.restore({
      key: partitionKey(topic, partition), topic, partition, state: (best?.state as PipelineSnapshot | undefined) ?? null, deltas,
      nextOffset: String(from), replayUntil: String(replayUntil), partitions: remote.partitions, now, wallNow: cfg.now(),
    });
  } else {
    pipeline = makePartitionPipeline(cfg, buffer);
    if (best?.state) pipeline.restore(best.state as PipelineSnapshot, now);
    for (const d of deltas) pipeline.applyDelta(d, now);
    for (const src of cfg.sourcePartitions ?? []) pipeline.trackInput(src, now);
  }
  const where = best === local ? 'local checkpoint' : 'handoff changelog';
  cfg.log(
    `partition ${partitionKey(topic, partition)}: ` +
      (!best ? 'no checkpoint, from the earliest offset' : replayUntil >= 0n ? `resuming from the snapshot at offset ${from} (${where}${deltas.length > 0 ? `, ${deltas.length} incremental` : ''}), replaying to ${replayUntil} without storing again` : `resuming at offset ${from} (${where}${deltas.length > 0 ? `, ${deltas.length} incremental` : ''})`),
  );
  return { topic, partition, pipeline, buffer, nextOffset: from, replayUntil, snapshotAt: null, lastMessageAt: now, dirty: false, dlq: [], soughtTo: null, poisoned: false };
}

import { PartitionBuffer } from '../../src/ingest/sources/kafka/partition-buffer.ts';
import type { StateChangelog } from '../../src/ingest/sources/kafka/state-changelog.ts';
import type { StreamStore } from '../../src/outputs/duckdb/stream-store.ts';
import { IngestPipeline, type PipelineSnapshot } from '../ingest-pipeline.ts';
import { partitionKey, type PartitionState } from './partition-state.ts';
import type { ResolvedStreamConfig } from './stream-config.ts';

/** A fresh partition pipeline writing into `buffer`, configured from the stream's config. */
export function makePartitionPipeline(cfg: ResolvedStreamConfig, buffer: PartitionBuffer): IngestPipeline {
  return new IngestPipeline({
    cells: cfg.cells,
    pseudonymiser: cfg.pseudonymiser,
    sink: buffer,
    deviceConsumers: cfg.deviceConsumers,
    now: cfg.now,
    ...(cfg.windowMs !== undefined ? { windowMs: cfg.windowMs } : {}),
    ...(cfg.latenessMs !== undefined ? { latenessMs: cfg.latenessMs } : {}),
    ...(cfg.presenceTimeoutMs !== undefined ? { presenceTimeoutMs: cfg.presenceTimeoutMs } : {}),
    ...(cfg.input === 'located' ? { idleTimeoutMs: cfg.partitionIdleMs } : {}),
  });
}

/**
 * Loads a partition's newest checkpoint — the local DuckDB one or the handoff changelog's, whichever
 * is further — into a fresh pipeline.
 */
export async function restorePartition(cfg: ResolvedStreamConfig, store: StreamStore, changelog: StateChangelog | null, topic: string, partition: number): Promise<PartitionState> {
  const buffer = new PartitionBuffer();
  const pipeline = makePartitionPipeline(cfg, buffer);
  const now = cfg.clock.now();
  const local = await store.load(topic, partition);
  const shared = changelog ? await changelog.latest(topic, partition) : null;
  const best = [local, shared].filter((c) => c !== null).sort((a, b) => (BigInt(b.nextOffset) > BigInt(a.nextOffset) ? 1 : -1))[0];
  if (best?.state) pipeline.restore(best.state as PipelineSnapshot, now);
  for (const src of cfg.sourcePartitions ?? []) pipeline.trackInput(src, now);
  cfg.log(`partition ${partitionKey(topic, partition)}: ${best ? `resuming at offset ${best.nextOffset} (${best === local ? 'local checkpoint' : 'handoff changelog'})` : 'no checkpoint, from the earliest offset'}`);
  return { topic, partition, pipeline, buffer, nextOffset: best ? BigInt(best.nextOffset) : -1n, lastMessageAt: now, dirty: false, dlq: [], soughtTo: null, poisoned: false };
}

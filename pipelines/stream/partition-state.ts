import type { DeadLetterMessage } from '../../src/ingest/sources/kafka/dead-letter-message.ts';
import type { PartitionBuffer } from '../../src/ingest/sources/kafka/partition-buffer.ts';
import type { IngestPipeline } from '../ingest-pipeline.ts';
import { RemotePipeline } from './partition-workers.ts';

/** One assigned Kafka partition's live state in the stream runner (`P`: where its pipeline runs). */
export interface PartitionState<P extends IngestPipeline | RemotePipeline = IngestPipeline | RemotePipeline> {
  topic: string;
  partition: number;
  /** The partition's pipeline: here, or in a worker thread (`stream --workers N`; its last report). */
  pipeline: P;
  /** Results since the last checkpoint. */
  buffer: PartitionBuffer;
  /** Next offset to read; -1 before any checkpoint (start from the group's position). */
  nextOffset: bigint;
  /**
   * Replaying up to this offset (exclusive), -1 when not: after a restore from a snapshot older than
   * the stored results, the messages in between rebuild the state and their outputs are dropped
   * (they are stored already). See `processBatch`.
   */
  replayUntil: bigint;
  /**
   * Processing time this process last wrote a snapshot of the partition's state, or null: none yet,
   * so its first checkpoint writes one (see `Checkpointer`).
   */
  snapshotAt: number | null;
  /**
   * The stored snapshot this process wrote and the deltas after it (bytes as stored), for incremental
   * checkpoints: a full snapshot is due again once the deltas outweigh it. Absent before this
   * process wrote one.
   */
  chain?: { baseBytes: number; deltaBytes: number };
  /** Processing time of the last message. */
  lastMessageAt: number;
  /** Something to checkpoint (offset or state moved). */
  dirty: boolean;
  /** Poison messages for the dead-letter topic, sent at the next checkpoint. */
  dlq: DeadLetterMessage[];
  /** The offset we last sought back to (see `processBatch`). */
  soughtTo: bigint | null;
  /**
   * Set when a message broke the partition's contract (a record of another partition's subscriber):
   * the in-memory state is no longer checkpointable and is never written again.
   */
  poisoned: boolean;
}

/** True when the partition's pipeline runs on this thread. */
export function isLocal(st: PartitionState): st is PartitionState<IngestPipeline> {
  return !(st.pipeline instanceof RemotePipeline);
}

/** True when the partition's pipeline runs in a worker thread (`stream --workers N`). */
export function isRemote(st: PartitionState): st is PartitionState<RemotePipeline> {
  return st.pipeline instanceof RemotePipeline;
}

/** `topic/partition`. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/** Inverse of {@link partitionKey} (topic names may contain `/`). */
export function splitPartitionKey(k: string): [string, number] {
  const i = k.lastIndexOf('/');
  return [k.slice(0, i), Number(k.slice(i + 1))];
}

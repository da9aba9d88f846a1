import { encodeStateSized } from '../../src/core/state-codec.ts';
import type { IngestPipeline } from '../ingest-pipeline.ts';

/**
 * What a checkpoint asks of a partition's state:
 * - `full`: the whole state;
 * - `auto`: a delta when one can describe the state (changes were tracked since the last snapshot),
 *   the whole state otherwise;
 * - `delta`: a delta when one can, nothing otherwise (the checkpoint then stores results and offsets
 *   only, and a restart replays from the last snapshot).
 */
export type SnapshotMode = 'full' | 'auto' | 'delta';

/** A snapshot as encoded for a checkpoint (`encodeState`), full or incremental. */
export interface TakenSnapshot {
  kind: 'full' | 'delta';
  encoded: Uint8Array;
  /** Serialised size before compression. */
  rawBytes: number;
  /** Wall milliseconds taking and encoding it took (the event loop's). */
  ms: number;
}

/**
 * Takes a partition's snapshot as `mode` asks ({@link SnapshotMode}), on the thread that runs its
 * pipeline. After a full one, `track` (incremental checkpoints on) starts tracking changes so the next
 * can be a delta; a delta restarts the tracking itself.
 */
export function takeSnapshot(pipeline: IngestPipeline, mode: SnapshotMode, track: boolean): TakenSnapshot | null {
  const t0 = performance.now();
  const delta = mode === 'full' ? null : pipeline.snapshotDelta();
  if (delta === null && mode === 'delta') return null;
  const { encoded, rawBytes } = encodeStateSized(delta ?? pipeline.snapshot());
  if (delta === null && track) pipeline.trackChanges();
  return { kind: delta ? 'delta' : 'full', encoded, rawBytes, ms: performance.now() - t0 };
}

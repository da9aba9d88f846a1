import type { DuckDBConnection } from '@duckdb/node-api';
import type { PresenceRow } from '../core/presence-row.ts';

/** One partition's share of a checkpoint, as a mirror sees it. */
export interface MirrorPartition {
  topic: string;
  partition: number;
  /** Next offset to read after this checkpoint (decimal string; `-1` before any message). */
  nextOffset: string;
  /** Closed-window rows of this partition (its partial counts) written in this checkpoint. */
  rows: readonly PresenceRow[];
  /** Device consumers' outputs of this partition by consumer name (e.g. `mobility`). */
  device: ReadonlyMap<string, readonly unknown[]>;
}

/** What one `stream` checkpoint committed, handed to a {@link CheckpointMirror}. */
export interface MirrorCheckpoint {
  /** Partitions with something new. */
  parts: readonly MirrorPartition[];
  /** Partitions assigned to this process at the checkpoint (`topic/partition`) and its next offset in each. */
  assigned: readonly { key: string; nextOffset: string }[];
  /** The process's publication frontier after this checkpoint (ms), or null when nothing is published yet. */
  publishedUntil: number | null;
  /** Rows of the windows (re)published in this checkpoint (summed over this process's partitions). */
  published: readonly PresenceRow[];
  /** The last checkpoint of a finite input: every window of these partitions is closed and published. */
  final: boolean;
}

/**
 * A second home for the stream's results (PostgreSQL), kept exactly-once with DuckDB by the
 * checkpointer of `pipelines/stream/`:
 *
 * 1. {@link stage} runs inside the DuckDB checkpoint transaction, after everything else, and records
 *    what must reach the mirror (an outbox in the same DuckDB file), so it commits with the offsets;
 * 2. {@link deliver} runs after that commit (and at start): it sends every staged entry, then forgets
 *    it. It returns false when the mirror is unreachable — the entries stay staged and go with the next
 *    delivery — and the checkpointer then holds back the state changelog, so no other process resumes a
 *    partition past what the mirror holds.
 */
export interface CheckpointMirror {
  /** Short name for logs (`postgres`). */
  readonly name: string;
  /** Creates the outbox (DuckDB) and the mirror's schema; throws a clear error when the mirror is unreachable. */
  init(conn: DuckDBConnection): Promise<void>;
  /** Inside the checkpoint transaction: stage the checkpoint's results. */
  stage(conn: DuckDBConnection, checkpoint: MirrorCheckpoint): Promise<void>;
  /**
   * After the commit: deliver everything staged. True when nothing is left staged; false when the
   * mirror failed in a way that may pass (logged; retried at the next checkpoint). With `strict`, a
   * failure throws instead (the final checkpoint, the start).
   */
  deliver(conn: DuckDBConnection, strict?: boolean): Promise<boolean>;
  /** True when entries are staged and not yet delivered. */
  readonly pending: boolean;
  /** Releases connections. */
  close(): Promise<void>;
}

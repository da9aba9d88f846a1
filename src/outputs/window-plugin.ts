import type { DuckDBConnection } from '@duckdb/node-api';
import type { PresenceRow } from '../core/presence-row.ts';

/**
 * Something that consumes closed windows next to the presence sink: crowd alerts, the Parquet lake,
 * dashboard exports. Both `ingest` and `stream` drive plugins the same way:
 *
 * 1. {@link onWindowsClosed} synchronously with each batch of rows of newly closed windows
 *    (base resolution, all cells of those windows, in window then H3 order);
 * 2. {@link flush} with the DuckDB connection — under `stream`, inside the same transaction that
 *    stores the presence rows and the Kafka offsets, so results and offsets commit together;
 * 3. {@link afterCommit} once that transaction committed: side effects outside DuckDB
 *    (Kafka topics, webhooks, files) go here.
 *
 * Plugins with state that must survive a crash implement {@link snapshot}/{@link restore}; the
 * snapshot is stored in the same transaction as the offsets.
 */
export interface WindowPlugin {
  /** Short name, for logs and checkpoints (`alerts`, `lake`). */
  readonly name: string;
  /**
   * True when {@link flush} reads device outputs (hops, area visitors) of the windows closed so far:
   * `ingest` then stores its buffered device outputs before flushing the plugins once windows closed
   * (`stream` always stores them first, in the same transaction).
   */
  readonly storedOutputsFirst?: boolean;
  onWindowsClosed(rows: readonly PresenceRow[]): void;
  flush(conn: DuckDBConnection): Promise<void>;
  afterCommit?(): Promise<void>;
  snapshot?(): unknown;
  restore?(state: unknown): void;
  /** End of the run: release resources (after the last afterCommit). */
  close?(): Promise<void>;
}

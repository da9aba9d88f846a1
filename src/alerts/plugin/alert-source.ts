import type { DuckDBConnection } from '@duckdb/node-api';
import type { Alert } from '../../../schemas/alert.ts';

/** An alert as a source raises it: the published shape without the processing-time stamps. */
export type SourceAlert = Omit<Alert, 'window_closed_at' | 'emitted_at' | 'ledger_index'>;

/**
 * A further kind of alert the alerting plugin delivers like crowd alerts (same table, ledger, file,
 * webhooks and Kafka topic): traffic slowdowns, visitors from one origin (src/alerts/sources/).
 *
 * `evaluate` runs in the plugin's `flush(conn)` — under `stream` inside the checkpoint transaction,
 * after every partition's device outputs (hops, area visitors) of that checkpoint were stored; under
 * `ingest` after the sink stored them — with `span`: `from` the first presence window this run
 * closed, `to` the end of the last one (every partition is past it). It reads what it
 * needs from the database, returns the events of the bins/windows it could finalise, and remembers
 * how far it got in its plain-data state (checkpointed with the plugin's snapshot).
 */
export interface AlertSource {
  /** Key of its state in the snapshot (`slowdown`, `visitors_origin`). */
  readonly name: string;
  evaluate(conn: DuckDBConnection, span: { from: number; to: number }): Promise<SourceAlert[]>;
  snapshot(): unknown;
  restore(state: unknown): void;
}

import type { DuckDBConnection } from '@duckdb/node-api';
import type { Alert } from '../../../schemas/alert.ts';
import type { AlertLogger } from '../alert-log.ts';
import type { AlertProducer } from '../delivery/kafka-alert-publisher.ts';
import type { WebhookConfig } from '../delivery/webhook-dispatcher.ts';
import type { AlertEngineConfig } from '../engine/alert-engine-config.ts';
import type { AlertSource } from './alert-source.ts';

/**
 * Configuration of {@link createAlerting}: the engine's rules plus where alerts go. Every output is
 * optional; with none but the default table, alerts are only stored in DuckDB.
 */
export interface AlertingConfig extends AlertEngineConfig {
  /** Store alert events in the DuckDB `alerts` table, inside `flush(conn)`. Default true. */
  table?: boolean;
  /** Append alerts as NDJSON to this file (after commit). Default none. */
  ndjsonPath?: string;
  /** POST each alert to these endpoints (after commit, in the background). Default none. */
  webhooks?: WebhookConfig;
  /** Publish each alert to Kafka (after commit, in the background). Default none. */
  kafka?: {
    producer: AlertProducer;
    /** Default `crowd-alerts`. */
    topic?: string;
    /** Default 10 000. */
    outboxLimit?: number;
  };
  /**
   * Start the anomaly baseline from the `presence` table (windows before the first one this run
   * sees, up to `anomaly.weeks` back). Default true; ignored when anomaly alerts are off.
   */
  seedFromPresence?: boolean;
  /** Receives alert and delivery events. Default: silent. */
  logger?: AlertLogger;
  /** Processing-time clock for `window_closed_at`/`emitted_at`. Default Date.now. */
  now?: () => number;
  /**
   * Records stored alert events in a tamper-evident ledger (src/audit), on the same connection and in
   * the same transaction as the rows; each delivered alert then carries its `ledger_index`. Needs
   * `table`. Default none.
   */
  ledger?: AlertLedger;
  /**
   * Further alert kinds evaluated in `flush` once windows closed (traffic slowdowns, visitors from one
   * origin: src/alerts/sources/); their events go to the same outputs. Default none.
   */
  sources?: readonly AlertSource[];
  /** How long `close()` waits for webhook and Kafka deliveries, ms. Default 10 000. */
  closeTimeoutMs?: number;
}

/**
 * Where the alerts plugin records the events it stored (implemented by src/audit's ledger recorder).
 * `record` runs inside the transaction that wrote the rows and resolves to each event's ledger index
 * by `alert:<alert_id>#<seq>`.
 */
export interface AlertLedger {
  record(conn: DuckDBConnection, alerts: readonly Alert[]): Promise<Map<string, number>>;
}

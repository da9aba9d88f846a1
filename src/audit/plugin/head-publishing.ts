import type { DuckDBConnection } from '@duckdb/node-api';
import type { WindowPlugin } from '../../outputs/window-plugin.ts';
import type { DuckDbLedger } from '../duckdb/duckdb-ledger.ts';
import { publishedHead } from '../duckdb/published-head.ts';
import type { PublishedHead } from '../engine/proof-bundle.ts';
import type { HeadProducer } from '../kafka/head-producer.ts';

/** Configuration of {@link createHeadPublishing}. */
export interface HeadPublishingConfig {
  ledger: DuckDbLedger;
  producer: HeadProducer;
  topic: string;
  /** Told about send failures (the next head is sent anyway, with a proof from the last one sent). */
  onError?: (err: Error) => void;
}

/**
 * Publishes the ledger's signed heads to Kafka for witnesses, as a {@link WindowPlugin} placed after
 * the plugins that append (alerts): in `flush` — inside the transaction, where the ledger is readable
 * even while this process holds the database — it builds the message for a new head, with a
 * consistency proof from the last head sent; `afterCommit` sends it (acks all). Heads are keyed by
 * `log_id`.
 */
export function createHeadPublishing(config: HeadPublishingConfig): WindowPlugin & { readonly sent: number } {
  let lastSent: number | null = null;
  let pending: PublishedHead | null = null;
  let connected = false;
  let sent = 0;
  return {
    name: 'ledger-heads',
    get sent() {
      return sent;
    },
    onWindowsClosed() {},
    async flush(conn: DuckDBConnection) {
      const head = config.ledger.head;
      if (!head || head.size === lastSent || head.size === pending?.head.size) return;
      pending = await publishedHead(conn, head, lastSent === null ? [] : [lastSent]);
    },
    async afterCommit() {
      if (!pending) return;
      const msg = pending;
      try {
        if (!connected) {
          await config.producer.connect();
          connected = true;
        }
        await config.producer.send({ topic: config.topic, acks: -1, messages: [{ key: msg.head.log_id, value: JSON.stringify(msg) }] });
        lastSent = msg.head.size;
        sent++;
        if (pending === msg) pending = null;
      } catch (err) {
        config.onError?.(err as Error);
      }
    },
    async close() {
      if (connected) await config.producer.disconnect();
    },
  };
}

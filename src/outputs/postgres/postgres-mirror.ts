import type { DuckDBConnection } from '@duckdb/node-api';
import type { CheckpointMirror, MirrorCheckpoint } from '../checkpoint-mirror.ts';
import { MirrorOutbox } from '../duckdb/mirror-outbox.ts';
import { mergeMirrorEntries, toMirrorEntry, type MirrorEntry } from './mirror-entry.ts';
import { PostgresSink, type PostgresSinkConfig, type PostgresWriteResult } from './postgres-sink.ts';

/** Staged checkpoints merged into one PostgreSQL transaction at most (catching up after an outage). */
const ENTRIES_PER_TRANSACTION = 32;

/** Configuration of {@link createPostgresMirror}: the sink's, plus what to report. */
export interface PostgresMirrorConfig extends PostgresSinkConfig {
  /** After each PostgreSQL transaction: what was written. */
  onDelivered?: (r: PostgresWriteResult & { entries: number }) => void;
}

/**
 * `citypulse stream --postgres`: mirrors presence (per-partition partials, summed by views), the hourly
 * OD and the alerts into PostgreSQL, exactly once, through a transactional outbox in the stream's
 * DuckDB file:
 *
 * 1. inside each DuckDB checkpoint transaction the checkpoint's rows are staged in `mirror_outbox`
 *    (so they commit — or not — with the offsets and window state: DuckDB stays the source of truth);
 * 2. after the commit every staged entry is merged and written to PostgreSQL in ONE transaction that
 *    also stores each partition's next offset (`citypulse_offsets`); a partition whose stored offset
 *    is newer is skipped, rows are upserted by key; then the entries are deleted from the outbox.
 *
 * A crash between 1 and 2 leaves the entries staged: the next start (or checkpoint) sends them. A
 * crash between the PostgreSQL commit and the outbox delete sends them again: skipped or upserted to
 * the same values. While PostgreSQL is unreachable entries accumulate (DuckDB, alerts and Kafka go on)
 * and the checkpointer holds back the state changelog, so a partition never moves to another process
 * past what PostgreSQL holds.
 */
export function createPostgresMirror(config: PostgresMirrorConfig): CheckpointMirror {
  const sink = new PostgresSink(config);
  const outbox = new MirrorOutbox(config.group, `postgres:${sink.schema}`);
  const log = config.log ?? (() => {});
  let pending = true;
  let failing = false;
  return {
    name: 'postgres',
    get pending() {
      return pending;
    },
    async init(conn: DuckDBConnection): Promise<void> {
      await outbox.init(conn);
      await sink.open();
    },
    async stage(conn: DuckDBConnection, checkpoint: MirrorCheckpoint): Promise<void> {
      await outbox.append(conn, JSON.stringify(toMirrorEntry(checkpoint)));
      pending = true;
    },
    async deliver(conn: DuckDBConnection, strict = false): Promise<boolean> {
      const entries = await outbox.read(conn);
      if (entries.length === 0) {
        pending = false;
        return true;
      }
      try {
        // Oldest first, a bounded number of checkpoints per PostgreSQL transaction (a long outage
        // leaves many staged); each transaction is what consecutive checkpoints would have written.
        for (let i = 0; i < entries.length; i += ENTRIES_PER_TRANSACTION) {
          const chunk = entries.slice(i, i + ENTRIES_PER_TRANSACTION);
          const batch = mergeMirrorEntries(chunk.map((e) => JSON.parse(e.payload) as MirrorEntry));
          const alerts = batch.alertsFrom === null ? [] : await outbox.alertsFrom(conn, batch.alertsFrom);
          const r = await sink.write(batch, alerts);
          await outbox.remove(conn, chunk.at(-1)!.seq);
          config.onDelivered?.({ ...r, entries: chunk.length });
        }
        pending = false;
        if (failing) log(`PostgreSQL ${sink.server} reachable again: ${entries.length} staged checkpoints delivered`);
        failing = false;
        return true;
      } catch (err) {
        if (strict) throw err;
        if (!failing) log(`${(err as Error).message}; ${entries.length} checkpoints stay staged in DuckDB and go with the next one`);
        failing = true;
        return false;
      }
    },
    close: () => sink.close(),
  };
}

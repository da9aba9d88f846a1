import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * DDL of the mirror outbox: entries staged for a second store (PostgreSQL) inside the checkpoint
 * transaction, deleted once delivered. Keyed by consumer group and a sequence number per group.
 */
export const MIRROR_OUTBOX_SQL = `
CREATE TABLE IF NOT EXISTS mirror_outbox (
  consumer_group VARCHAR NOT NULL,
  mirror         VARCHAR NOT NULL,
  seq            BIGINT  NOT NULL,
  payload        VARCHAR NOT NULL,
  staged_at      TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (consumer_group, mirror, seq)
);
`;

/** One staged entry. */
export interface OutboxEntry {
  seq: bigint;
  payload: string;
}

/**
 * The transactional outbox of a checkpoint mirror in the stream's DuckDB file (the pattern of
 * "transactional outbox": what must reach another system is written in the same transaction as the
 * state that produced it, and delivered after). Every method runs on the caller's connection; `append`
 * joins the caller's transaction.
 */
export class MirrorOutbox {
  readonly #group: string;
  readonly #mirror: string;

  constructor(group: string, mirror: string) {
    this.#group = group;
    this.#mirror = mirror;
  }

  /** Creates the table when missing. */
  async init(conn: DuckDBConnection): Promise<void> {
    await conn.run(MIRROR_OUTBOX_SQL);
  }

  /** Stages one entry (inside the caller's transaction). */
  async append(conn: DuckDBConnection, payload: string): Promise<void> {
    await conn.run(
      `INSERT INTO mirror_outbox
         SELECT $1, $2, coalesce(max(seq), 0) + 1, $3, now() FROM mirror_outbox WHERE consumer_group = $1 AND mirror = $2`,
      [this.#group, this.#mirror, payload],
    );
  }

  /** Every staged entry, oldest first. */
  async read(conn: DuckDBConnection): Promise<OutboxEntry[]> {
    const r = await conn.runAndReadAll(
      `SELECT seq, payload FROM mirror_outbox WHERE consumer_group = $1 AND mirror = $2 ORDER BY seq`,
      [this.#group, this.#mirror],
    );
    return (r.getRowsJS() as [bigint, string][]).map(([seq, payload]) => ({ seq, payload }));
  }

  /** Forgets the entries up to `seq` (delivered). */
  async remove(conn: DuckDBConnection, seq: bigint): Promise<void> {
    await conn.run(`DELETE FROM mirror_outbox WHERE consumer_group = $1 AND mirror = $2 AND seq <= $3::BIGINT`, [this.#group, this.#mirror, seq.toString()]);
  }

  /**
   * Rows of the `alerts` table (written by the alerting plugin) of windows starting at or after
   * `fromMs`, as JSON objects with the table's column names (times as `2026-03-02 05:00:00+00`, with their
   * offset); none when the table does not exist.
   */
  async alertsFrom(conn: DuckDBConnection, fromMs: number): Promise<Record<string, unknown>[]> {
    const t = await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name = 'alerts' AND NOT temporary`);
    if ((t.getRowsJS()[0]![0] as number) === 0) return [];
    const r = await conn.runAndReadAll(
      `SELECT * FROM alerts WHERE epoch_ms(window_start) >= $1::BIGINT ORDER BY alert_id, seq`,
      [String(fromMs)],
    );
    return r.getRowObjectsJson() as Record<string, unknown>[];
  }
}

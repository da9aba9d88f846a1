import { presenceColumnsDdl } from './presence-columns.ts';

/**
 * Tables of the Kafka `stream` path, beside the pipeline tables of schema.ts.
 *
 * - `presence_partials`: closed-window rows per source partition (topic, partition, then the presence
 *   columns of presence-columns.ts). Each partition's rows depend only on that partition's messages
 *   (deterministic), so replays after a crash or a rebalance rewrite the same rows, and files of
 *   several processes merge by DISTINCT then SUM.
 * - `presence` (schema.ts) is materialised from the partials: one row per (window, cell).
 * - `stream_checkpoints`: per partition, `next_offset` — every result of the messages before it is
 *   stored — committed in the same transaction as those results; and the newest snapshot of the
 *   partition's window state (`state`, gzip JSON) with the offset it was taken at (`state_offset`;
 *   NULL in checkpoints of earlier versions, where the state was always taken at `next_offset`).
 *   Snapshots are written every checkpoint only while the state is small (see `Checkpointer`); a
 *   restart restores the snapshot and replays `[state_offset, next_offset)` with outputs dropped.
 */
export const STREAM_SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS presence_partials (
  topic        VARCHAR     NOT NULL,
  "partition"  INTEGER     NOT NULL,
${presenceColumnsDdl()}
);
CREATE TABLE IF NOT EXISTS stream_checkpoints (
  consumer_group VARCHAR NOT NULL,
  topic          VARCHAR NOT NULL,
  "partition"    INTEGER NOT NULL,
  next_offset    BIGINT  NOT NULL,
  state          BLOB,
  updated_at     TIMESTAMPTZ NOT NULL,
  state_offset   BIGINT,
  PRIMARY KEY (consumer_group, topic, "partition")
);
CREATE TABLE IF NOT EXISTS stream_meta (
  consumer_group  VARCHAR PRIMARY KEY,
  published_until TIMESTAMPTZ
);
`;

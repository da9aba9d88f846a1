import { presenceColumnsDdl } from './presence-columns.ts';

/** Largest row of `stream_state_chunks` (bytes). */
export const STATE_CHUNK_BYTES = 256 * 1024;

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
 *   partition's window state with the offset it was taken at (`state_offset`; NULL in checkpoints of
 *   earlier versions, where the state was always taken at `next_offset`). The snapshot's bytes
 *   (`encodeState`) are in the file `state_file` of the database's `.state` directory, `state_bytes`
 *   long (see `StreamStore`); for an in-memory database in `stream_state_chunks`, `state_chunks` rows
 *   of at most {@link STATE_CHUNK_BYTES}; `state` holds them whole only in files of earlier versions.
 *   Snapshots of every earlier form are still read. The two file columns are added by
 *   `StreamStore.init` (ALTER … IF NOT EXISTS), as `state_offset` and `state_chunks` are.
 *   Snapshots are written every checkpoint only while the state is small (see `Checkpointer`); a
 *   restart restores the snapshot and replays `[state_offset, next_offset)` with outputs dropped.
 * - `stream_state_chunks`: the snapshot bytes of an in-memory database (and of files of session 9),
 *   in order of `seq`. Small rows, replaced by DELETE and append: one BLOB of 20–80 MB rewritten with
 *   every snapshot kept 0.3–0.8 GiB of DuckDB buffers across commits (README "Soak"), chunks of
 *   256 kB keep one snapshot's worth, and files none.
 * - `stream_state_deltas`: incremental snapshots taken after the partition's snapshot, each at its
 *   `state_offset` (what changed since the one before: `IngestPipeline.snapshotDelta`); a restart
 *   restores the snapshot, applies these in `state_offset` order, and replays from the last one's
 *   offset. Bytes in the file `state_file` of the `.state` directory, or in `bytes` for an in-memory
 *   database. A checkpoint that writes a full snapshot deletes the partition's deltas.
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
  state_chunks   INTEGER,
  state_file     VARCHAR,
  state_bytes    BIGINT,
  PRIMARY KEY (consumer_group, topic, "partition")
);
CREATE TABLE IF NOT EXISTS stream_state_chunks (
  consumer_group VARCHAR NOT NULL,
  topic          VARCHAR NOT NULL,
  "partition"    INTEGER NOT NULL,
  seq            INTEGER NOT NULL,
  bytes          BLOB    NOT NULL
);
CREATE TABLE IF NOT EXISTS stream_state_deltas (
  consumer_group VARCHAR NOT NULL,
  topic          VARCHAR NOT NULL,
  "partition"    INTEGER NOT NULL,
  state_offset   BIGINT  NOT NULL,
  state_file     VARCHAR,
  state_bytes    BIGINT  NOT NULL,
  bytes          BLOB
);
CREATE TABLE IF NOT EXISTS stream_meta (
  consumer_group  VARCHAR PRIMARY KEY,
  published_until TIMESTAMPTZ
);
`;

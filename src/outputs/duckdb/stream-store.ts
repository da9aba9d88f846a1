import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, readdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { blobValue, type DuckDBConnection } from '@duckdb/node-api';
import type { DeadLetter, LateRecord } from '../../core/pipeline-sink.ts';
import type { PresenceRow } from '../../core/presence-row.ts';
import { DuckDbSink, appendPresenceColumns, tsValue } from './duckdb-sink.ts';
import { STATE_CHUNK_BYTES, STREAM_SCHEMA_SQL } from './stream-schema.ts';
import { withAppender } from './with-appender.ts';
import { SCHEMA_SQL } from './schema.ts';
import { withTransaction } from './with-transaction.ts';
import { decodeState } from '../../core/state-codec.ts';

/** One partition's share of a checkpoint. */
export interface PartitionCheckpoint {
  topic: string;
  partition: number;
  /** Next offset to read (as a decimal string: Kafka offsets are 64-bit): every result before it is in this checkpoint or an earlier one. */
  nextOffset: string;
  /**
   * A new snapshot of the pipeline state, encoded with `encodeState` (src/core/state-codec.ts) (once:
   * the changelog reuses it), taken at `nextOffset`; absent when this checkpoint keeps the stored one.
   */
  state?: Uint8Array;
  /**
   * Or an incremental snapshot taken at `nextOffset` (encoded the same way): what changed since the
   * stored snapshot and the deltas after it. Only with a stored snapshot, never with `state`.
   */
  delta?: Uint8Array;
  rows: PresenceRow[];
  dead: DeadLetter[];
  lates: LateRecord[];
}

/** A partition's checkpoint as stored (see {@link StreamStore.load}). */
export interface StoredCheckpoint {
  /** Every result of the messages before this offset is stored. */
  nextOffset: string;
  /** Offset the snapshot was taken at (≤ `nextOffset`). */
  stateOffset: string;
  /** The snapshot (decoded), or null. */
  state: unknown;
  /** The incremental snapshots taken after it (decoded), to apply in order; the last was taken at `stateOffset`. */
  deltas: unknown[];
}

/** Ending of snapshot files in a database's `.state` directory (see {@link StreamStore}). */
export const STATE_FILE_SUFFIX = '.cpstate';

/** A name part safe in any file system: Kafka topic characters kept, anything else as `_`, at most 60. */
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60);

/**
 * Reads and writes the Kafka path's checkpoints: results, offsets and window state of every partition
 * commit in one DuckDB transaction, so a crash at any moment leaves either all or none of them.
 *
 * **Snapshots in files.** With a database file `F`, each partition's snapshot is a file of its own in
 * the directory `F.state/`, written and fsync'd (file and directory) *before* the transaction that
 * names it in `stream_checkpoints.state_file` commits; the file it replaces is removed only after
 * that commit. A crash before the commit leaves the new file unnamed, a crash after it leaves the old
 * one unnamed, and {@link init} removes every file no checkpoint names. So the snapshot bytes
 * (20–400 MB a partition at soak scale) never pass through DuckDB's buffers or WAL: kept there, as one
 * BLOB or as 256 kB rows, they held 0.3–1.2 GiB of DuckDB memory at window closes (README "Soak").
 * Move or copy the database together with its `.state` directory. In-memory databases (tests) keep
 * snapshots in `stream_state_chunks`; snapshots earlier versions stored there or whole in `state`
 * still restore.
 */
export class StreamStore {
  readonly #conn: DuckDBConnection;
  readonly #group: string;
  /** `F.state` beside the database file `F`; null for an in-memory database. */
  #stateDir: string | null = null;

  constructor(conn: DuckDBConnection, group: string) {
    this.#conn = conn;
    this.#group = group;
  }

  /** Creates the pipeline and stream tables when missing. */
  async init(): Promise<void> {
    await this.#conn.run(SCHEMA_SQL);
    await this.#conn.run(STREAM_SCHEMA_SQL);
    await this.#conn.run(`ALTER TABLE stream_meta ADD COLUMN IF NOT EXISTS plugin_state JSON`);
    await this.#conn.run(`ALTER TABLE stream_checkpoints ADD COLUMN IF NOT EXISTS state_offset BIGINT`);
    await this.#conn.run(`ALTER TABLE stream_checkpoints ADD COLUMN IF NOT EXISTS state_chunks INTEGER`);
    await this.#conn.run(`ALTER TABLE stream_checkpoints ADD COLUMN IF NOT EXISTS state_file VARCHAR`);
    await this.#conn.run(`ALTER TABLE stream_checkpoints ADD COLUMN IF NOT EXISTS state_bytes BIGINT`);
    const path = (await this.#conn.runAndReadAll(`SELECT path FROM duckdb_databases() WHERE database_name = current_database()`)).getRowsJS()[0]?.[0];
    if (typeof path === 'string' && path !== '' && path !== ':memory:') {
      this.#stateDir = `${path}.state`;
      await mkdir(this.#stateDir, { recursive: true });
      await this.#removeUnnamed();
    }
  }

  /** The directory of snapshot files (`F.state` beside the database file `F`), or null: in-memory database. */
  get stateDir(): string | null {
    return this.#stateDir;
  }

  /** Removes the snapshot files no checkpoint (of any group) names: left by a crash on either side of a commit. */
  async #removeUnnamed(): Promise<void> {
    const dir = this.#stateDir!;
    const named = new Set(
      ((await this.#conn.runAndReadAll(
        `SELECT state_file FROM stream_checkpoints WHERE state_file IS NOT NULL UNION ALL SELECT state_file FROM stream_state_deltas WHERE state_file IS NOT NULL`,
      )).getRowsJS() as [string][]).map((r) => r[0]),
    );
    for (const f of await readdir(dir)) {
      if (f.endsWith(STATE_FILE_SUFFIX) && !named.has(f)) await unlink(join(dir, f)).catch(() => undefined);
    }
  }

  /**
   * The stored checkpoint of a partition, or null: results are stored up to `nextOffset`; `state` is
   * the newest snapshot (null: none), taken at `stateOffset` (≤ `nextOffset`).
   */
  async load(topic: string, partition: number): Promise<StoredCheckpoint | null> {
    const key = [this.#group, topic, partition];
    const r = await this.#conn.runAndReadAll(
      `SELECT next_offset::VARCHAR, coalesce(state_offset, next_offset)::VARCHAR, state, state_chunks, state_file, state_bytes FROM stream_checkpoints WHERE consumer_group = $1 AND topic = $2 AND "partition" = $3`,
      key,
    );
    const row = r.getRowsJS()[0] as [string, string, Uint8Array | null, number | null, string | null, bigint | null] | undefined;
    if (!row) return null;
    const [nextOffset, stateOffset, whole, chunks, file, size] = row;
    let bytes = whole;
    if (file !== null) {
      bytes = await this.#readFile(topic, partition, 'snapshot', file, size);
    } else if (chunks !== null) {
      const c = await this.#conn.runAndReadAll(
        `SELECT bytes FROM stream_state_chunks WHERE consumer_group = $1 AND topic = $2 AND "partition" = $3 ORDER BY seq`,
        key,
      );
      const parts = (c.getRowsJS() as [Uint8Array][]).map((x) => x[0]);
      if (parts.length !== chunks) {
        throw new Error(`the snapshot of ${topic}[${partition}] (group ${this.#group}) has ${parts.length} of its ${chunks} chunks in stream_state_chunks: the file was changed outside citypulse`);
      }
      bytes = Buffer.concat(parts);
    }
    const d = await this.#conn.runAndReadAll(
      `SELECT state_file, state_bytes, bytes FROM stream_state_deltas WHERE consumer_group = $1 AND topic = $2 AND "partition" = $3 ORDER BY state_offset`,
      key,
    );
    const deltas: unknown[] = [];
    for (const [f, n, b] of d.getRowsJS() as [string | null, bigint, Uint8Array | null][]) {
      deltas.push(decodeState(f !== null ? await this.#readFile(topic, partition, 'incremental snapshot', f, n) : b!));
    }
    return { nextOffset, stateOffset, state: bytes ? decodeState(bytes) : null, deltas };
  }

  /** A snapshot file's bytes, checked against the size its checkpoint recorded. */
  async #readFile(topic: string, partition: number, what: string, file: string, size: bigint | null): Promise<Buffer> {
    if (this.#stateDir === null) throw new Error(`the ${what} of ${topic}[${partition}] (group ${this.#group}) is in the file ${file}, and this database has no directory of snapshot files (in memory)`);
    const where = join(this.#stateDir, file);
    const read = await readFile(where).catch((err: NodeJS.ErrnoException) => {
      throw new Error(`the ${what} of ${topic}[${partition}] (group ${this.#group}) cannot be read from ${where} (${err.code ?? err.message}): a database file must be moved or copied together with its .state directory`);
    });
    if (size !== null && BigInt(read.byteLength) !== size) {
      throw new Error(`the ${what} file ${where} of ${topic}[${partition}] (group ${this.#group}) holds ${read.byteLength} bytes, its checkpoint says ${size}: it was changed outside citypulse`);
    }
    return read;
  }

  /** Published frontier (ms) and plugin state of this group, if any. */
  async meta(): Promise<{ publishedUntil: number | null; pluginState: Record<string, unknown> | null }> {
    const r = await this.#conn.runAndReadAll(
      `SELECT epoch_ms(published_until), plugin_state::VARCHAR FROM stream_meta WHERE consumer_group = $1`,
      [this.#group],
    );
    const row = r.getRowsJS()[0] as [bigint | null, string | null] | undefined;
    return {
      publishedUntil: row?.[0] == null ? null : Number(row[0]),
      pluginState: row?.[1] ? (JSON.parse(row[1]) as Record<string, unknown>) : null,
    };
  }

  /**
   * Writes one checkpoint atomically: partial rows, dead letters and late events of every partition,
   * their offsets and states; then re-materialises `presence` for the windows that became publishable
   * (end ≤ `publishUntil`) or were touched again. `inTransaction` runs last, inside the transaction
   * (plugins write there) and receives the newly published rows. Never call it inside another
   * transaction: the snapshot files it replaces are removed once its own COMMIT has returned.
   */
  async commit(
    parts: PartitionCheckpoint[],
    publishUntil: number | null,
    prevPublished: number | null,
    inTransaction: (published: PresenceRow[]) => Promise<Record<string, unknown> | null>,
  ): Promise<PresenceRow[]> {
    // Snapshot files first, durable before the transaction that names them (see the class comment).
    for (const p of parts) if (p.state && p.delta) throw new Error(`a checkpoint of ${p.topic}[${p.partition}] carries both a snapshot and a delta`);
    const files = new Map<PartitionCheckpoint, string>();
    let replaced: string[] = [];
    if (this.#stateDir !== null && parts.some((p) => p.state || p.delta)) {
      const dir = this.#stateDir;
      replaced = await this.#namedFiles(parts.filter((p) => p.state));
      try {
        for (const p of parts) {
          const bytes = p.state ?? p.delta;
          if (!bytes) continue;
          const name = `${safe(this.#group)}~${safe(p.topic)}~${p.partition}~${p.nextOffset}${p.delta ? '~delta' : ''}~${randomBytes(4).toString('hex')}${STATE_FILE_SUFFIX}`;
          files.set(p, name);
          await writeFile(join(dir, name), bytes, { flush: true });
        }
        const d = await open(dir, 'r');
        try {
          await d.sync();
        } finally {
          await d.close();
        }
      } catch (err) {
        await this.#unlinkAll([...files.values()]);
        throw err;
      }
    }
    let published: PresenceRow[];
    try {
      published = await this.#commitRows(parts, files, publishUntil, prevPublished, inTransaction);
    } catch (err) {
      await this.#unlinkAll([...files.values()]);
      throw err;
    }
    await this.#unlinkAll(replaced);
    return published;
  }

  /** The snapshot files (and files of deltas) the checkpoints of these partitions name now. */
  async #namedFiles(parts: PartitionCheckpoint[]): Promise<string[]> {
    const out: string[] = [];
    for (const p of parts) {
      const r = await this.#conn.runAndReadAll(
        `SELECT state_file FROM stream_checkpoints WHERE consumer_group = $1 AND topic = $2 AND "partition" = $3 AND state_file IS NOT NULL
         UNION ALL SELECT state_file FROM stream_state_deltas WHERE consumer_group = $1 AND topic = $2 AND "partition" = $3 AND state_file IS NOT NULL`,
        [this.#group, p.topic, p.partition],
      );
      for (const [f] of r.getRowsJS() as [string][]) out.push(f);
    }
    return out;
  }

  /** Removes snapshot files, best effort: one left behind is removed by the next {@link init}. */
  async #unlinkAll(names: string[]): Promise<void> {
    for (const n of names) await unlink(join(this.#stateDir!, n)).catch(() => undefined);
  }

  async #commitRows(
    parts: PartitionCheckpoint[],
    files: Map<PartitionCheckpoint, string>,
    publishUntil: number | null,
    prevPublished: number | null,
    inTransaction: (published: PresenceRow[]) => Promise<Record<string, unknown> | null>,
  ): Promise<PresenceRow[]> {
    const conn = this.#conn;
    return withTransaction(conn, async () => {
      const touched = new Set<number>();
      const partials = parts.filter((p) => p.rows.length > 0);
      if (partials.length > 0) {
        await withAppender(conn, 'presence_partials', (a) => {
          for (const p of partials) {
            for (const r of p.rows) {
              touched.add(r.windowStart);
              a.appendVarchar(p.topic);
              a.appendInteger(p.partition);
              appendPresenceColumns(a, r);
              a.endRow();
            }
          }
        });
      }
      const sink = new DuckDbSink({ connection: conn });
      for (const p of parts) {
        for (const d of p.dead) sink.deadLetter(d);
        for (const l of p.lates) sink.late(l);
      }
      await sink.flush();
      const snapshots = parts.filter((p) => p.state);
      for (const p of snapshots) {
        await conn.run(`DELETE FROM stream_state_chunks WHERE consumer_group = $1 AND topic = $2 AND "partition" = $3`, [this.#group, p.topic, p.partition]);
        await conn.run(`DELETE FROM stream_state_deltas WHERE consumer_group = $1 AND topic = $2 AND "partition" = $3`, [this.#group, p.topic, p.partition]);
      }
      const inRows = snapshots.filter((p) => !files.has(p));
      if (inRows.length > 0) {
        await withAppender(conn, 'stream_state_chunks', (a) => {
          for (const p of inRows) {
            for (let at = 0, seq = 0; at < p.state!.byteLength; at += STATE_CHUNK_BYTES, seq++) {
              a.appendVarchar(this.#group);
              a.appendVarchar(p.topic);
              a.appendInteger(p.partition);
              a.appendInteger(seq);
              a.appendBlob(p.state!.subarray(at, at + STATE_CHUNK_BYTES));
              a.endRow();
            }
          }
        });
      }
      for (const p of parts) {
        if (p.delta) {
          const base = await conn.runAndReadAll(
            `SELECT count(*) FROM stream_checkpoints WHERE consumer_group = $1 AND topic = $2 AND "partition" = $3 AND (state IS NOT NULL OR state_chunks IS NOT NULL OR state_file IS NOT NULL)`,
            [this.#group, p.topic, p.partition],
          );
          if (Number(base.getRowsJS()[0]![0]) === 0) throw new Error(`an incremental snapshot of ${p.topic}[${p.partition}] (group ${this.#group}) has no stored snapshot to follow`);
          const file = files.get(p) ?? null;
          await conn.run(
            `INSERT INTO stream_state_deltas (consumer_group, topic, "partition", state_offset, state_file, state_bytes, bytes) VALUES ($1, $2, $3, $4::BIGINT, $5, $6, $7)`,
            [this.#group, p.topic, p.partition, p.nextOffset, file, p.delta.byteLength, file === null ? blobValue(p.delta) : null],
          );
          await conn.run(
            `UPDATE stream_checkpoints SET state_offset = $4::BIGINT, next_offset = $4::BIGINT, updated_at = now() WHERE consumer_group = $1 AND topic = $2 AND "partition" = $3`,
            [this.#group, p.topic, p.partition, p.nextOffset],
          );
        } else if (p.state) {
          const file = files.get(p) ?? null;
          await conn.run(
            `INSERT OR REPLACE INTO stream_checkpoints (consumer_group, topic, "partition", next_offset, state, updated_at, state_offset, state_chunks, state_file, state_bytes)
             VALUES ($1, $2, $3, $4::BIGINT, NULL, now(), $4::BIGINT, $5, $6, $7)`,
            [this.#group, p.topic, p.partition, p.nextOffset, file === null ? Math.ceil(p.state.byteLength / STATE_CHUNK_BYTES) : null, file, file === null ? null : p.state.byteLength],
          );
        } else {
          // Results and offset only: the stored snapshot stays (a restart replays from it). The
          // checkpointer writes a snapshot with a partition's first checkpoint, so the row exists.
          await conn.run(
            `UPDATE stream_checkpoints SET state_offset = coalesce(state_offset, next_offset), next_offset = $4::BIGINT, updated_at = now()
             WHERE consumer_group = $1 AND topic = $2 AND "partition" = $3`,
            [this.#group, p.topic, p.partition, p.nextOffset],
          );
        }
      }
      let published: PresenceRow[] = [];
      if (publishUntil !== null) {
        published = await this.#materialise(publishUntil, prevPublished, [...touched]);
      }
      const pluginState = await inTransaction(published);
      await conn.run(
        `INSERT OR REPLACE INTO stream_meta (consumer_group, published_until, plugin_state) VALUES ($1, $2, $3)`,
        [this.#group, publishUntil === null ? null : tsValue(publishUntil), pluginState ? JSON.stringify(pluginState) : null],
      );
      return published;
    });
  }

  /** Rebuilds `presence` rows of publishable windows from the partials; returns the new rows. */
  async #materialise(until: number, prev: number | null, touched: number[]): Promise<PresenceRow[]> {
    const conn = this.#conn;
    await conn.run(
      `CREATE OR REPLACE TEMP TABLE mat_windows AS
         SELECT DISTINCT window_start FROM presence_partials
         WHERE epoch_ms(window_end) <= $until::BIGINT
           AND (epoch_ms(window_end) > $prev::BIGINT OR list_contains($touched::VARCHAR::BIGINT[], epoch_ms(window_start)))`,
      { until, prev: prev ?? -1, touched: `[${touched.join(',')}]` },
    );
    await conn.run(`DELETE FROM presence WHERE window_start IN (SELECT window_start FROM temp.mat_windows)`);
    await conn.run(
      `INSERT INTO presence
         SELECT window_start, window_end, h3, res, sum(present)::INTEGER, sum(active)::INTEGER, sum(events)::INTEGER
         FROM (SELECT DISTINCT * FROM presence_partials WHERE window_start IN (SELECT window_start FROM temp.mat_windows))
         GROUP BY window_start, window_end, h3, res`,
    );
    const r = await conn.runAndReadAll(
      `SELECT epoch_ms(window_start), epoch_ms(window_end), h3, res, present, active, events FROM presence
       WHERE window_start IN (SELECT window_start FROM temp.mat_windows) ORDER BY window_start, h3`,
    );
    return (r.getRowsJS() as [bigint, bigint, bigint, number, number, number, number][]).map(([ws, we, h3, res, present, active, events]) => ({
      windowStart: Number(ws),
      windowEnd: Number(we),
      h3: h3.toString(16),
      res,
      present,
      active,
      events,
    }));
  }
}

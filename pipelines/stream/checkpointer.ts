import type { DuckDBConnection } from '@duckdb/node-api';
import type { Clock } from '../../src/core/clock.ts';
import type { DeadLetterMessage } from '../../src/ingest/sources/kafka/dead-letter-message.ts';
import type { PartitionCheckpoint, StreamStore } from '../../src/outputs/duckdb/stream-store.ts';
import type { WindowPlugin } from '../../src/outputs/window-plugin.ts';
import type { CheckpointMirror } from '../../src/outputs/checkpoint-mirror.ts';
import type { DeviceConsumerPlugin } from '../../src/window/device-window.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';
import { publishFrontier } from '../../src/window/publish-frontier.ts';
import { isTransient } from '../../src/ingest/sources/kafka/is-transient.ts';
import type { PartitionTable } from './partition-table.ts';
import { isLocal, isRemote, partitionKey, type PartitionState } from './partition-state.ts';
import type { PartitionWorkers } from './partition-workers.ts';
import type { StreamObserver } from '../../src/core/stream-observer.ts';
import { takeSnapshot, type SnapshotMode, type TakenSnapshot } from './take-snapshot.ts';

/** A snapshot that took less than this (ms) to take and encode is cheap: every dirty partition may write one. */
export const CHEAP_SNAPSHOT_MS = 50;

/** One partition's entry for the state changelog: results stored up to `nextOffset`, and a snapshot taken there when the checkpoint wrote one (the bytes stored in DuckDB). */
export interface ChangelogEntry {
  topic: string;
  partition: number;
  nextOffset: string;
  state?: Uint8Array;
}

/**
 * The Kafka side of a checkpoint, each optional (tests and `--no-handoff` leave them out):
 * dead letters go out before the DuckDB transaction (a crash re-sends, never loses); offsets and
 * changelog entries after it (best effort: DuckDB is the source of truth on restart).
 */
export interface CheckpointEffects {
  sendDeadLetters?(messages: DeadLetterMessage[]): Promise<void>;
  commitOffsets?(offsets: { topic: string; partition: number; offset: string }[]): Promise<void>;
  publishStates?(entries: ChangelogEntry[]): Promise<void>;
}

/** Configuration of a {@link Checkpointer}. */
export interface CheckpointerConfig {
  store: StreamStore;
  table: PartitionTable;
  connection: DuckDBConnection;
  plugins: readonly WindowPlugin[];
  deviceConsumers: readonly DeviceConsumerPlugin<unknown, DuckDBConnection>[];
  clock: Clock;
  partitionIdleMs: number;
  /** Frontier stored by the previous run (`stream_meta.published_until`). */
  publishedUntil: number | null;
  effects?: CheckpointEffects;
  /**
   * A second store kept exactly-once with DuckDB (`--postgres`): staged inside the transaction,
   * delivered after it and before the state changelog, which waits while the mirror is behind.
   */
  mirror?: CheckpointMirror;
  log?: (message: string) => void;
  /**
   * What the partitions read: on `located` input every checkpoint writes a snapshot (see
   * {@link Checkpointer}). Default `records`.
   */
  input?: 'records' | 'located';
  /**
   * Least processing time (ms) between two snapshots of a partition's state; checkpoints in between
   * store results and offsets only. Default 0 (whenever the cost bound allows).
   */
  snapshotIntervalMs?: number;
  /** A full snapshot waits at least this many times the last one's cost after it. Default 10. */
  snapshotCostFactor?: number;
  /**
   * Incremental checkpoints (default true): between full snapshots, a checkpoint stores what changed in
   * each partition since its previous snapshot — the devices with new events, and those events
   * (`IngestPipeline.snapshotDelta`) — instead of the whole state. False: whole snapshots only.
   */
  incremental?: boolean;
  /** Called after each checkpoint with how many there were so far. */
  onCheckpoint?: (checkpoints: number) => void;
  /** A scheduled checkpoint failed in a way that waiting will not fix: the run must stop. */
  onFatal?: (err: Error) => void;
  /** Told of each committed checkpoint (duration, publication, latency): metrics, live HTTP. */
  observer?: StreamObserver;
  /**
   * `stream --workers N`: the worker threads holding partitions' pipelines. Each checkpoint first asks
   * them for the snapshots due (taken there after every batch sent before) and holds their later
   * reports back until it has taken what it stores.
   */
  workers?: PartitionWorkers | null;
}

/**
 * Writes checkpoints: for every partition with something new, its results, device outputs, offset and
 * (when due, see `#snapshotsDue`) a snapshot of its pipeline state; the newly
 * publishable `presence` windows; plugin state — all in one DuckDB transaction. Checkpoints run one at a time ({@link schedule}); a failed one is retried later when the
 * failure may pass (a broker outage), and stops the run otherwise.
 */
export class Checkpointer {
  readonly #c: CheckpointerConfig;
  #published: number | null;
  #last: number;
  #count = 0;
  #chain: Promise<void> = Promise.resolve();
  /** Processing time of the first checkpoint request since the last commit (publish latency). */
  #requestedAt: number | null = null;
  /** Wall milliseconds per partition the last snapshots took to take and encode, and when they were committed. */
  #snapshotCostMs = 0;
  #lastSnapshotAt = -Infinity;
  /** A checkpoint {@link request}ed and not started yet. */
  #queued = false;

  constructor(config: CheckpointerConfig) {
    this.#c = config;
    this.#published = config.publishedUntil;
    this.#last = config.clock.now();
  }

  /** End of the windows published so far (ms), or null. */
  get publishedUntil(): number | null {
    return this.#published;
  }

  /** Processing time of the last checkpoint (or of the start). */
  get lastAt(): number {
    return this.#last;
  }

  /** Checkpoints written. */
  get count(): number {
    return this.#count;
  }

  /**
   * Queues a checkpoint after the ones in flight. A non-final one that fails transiently (a broker
   * outage, see `isTransient`) is logged and left for the next (the state stays dirty); any other
   * failure goes to `onFatal`. A final one rejects.
   */
  schedule(final = false): Promise<void> {
    this.#requestedAt ??= this.#c.clock.now();
    this.#chain = this.#chain.then(() =>
      this.#checkpoint(final).catch((err: Error) => {
        if (final) throw err;
        if (isTransient(err)) this.#c.log?.(`checkpoint postponed: ${err.message}`);
        else this.#c.onFatal?.(err);
      }),
    );
    return this.#chain;
  }

  /**
   * Asks for a checkpoint without waiting for it: queued unless one is queued already and has not
   * started (`stream --workers`, where the reading thread must not stall while the workers work).
   */
  request(): void {
    if (this.#queued) return;
    this.#queued = true;
    void this.schedule();
  }

  /** Resolves when the queued checkpoints are done. */
  settled(): Promise<void> {
    return this.#chain;
  }

  /**
   * Writes one checkpoint after those queued, and rejects when it fails (tests and tools; the runner
   * uses {@link schedule}, which decides what a failure means). Like every checkpoint, it takes what
   * it stores in one synchronous step as it starts; input read while its transaction runs (the
   * runner's interval checkpoints do not stop the batch being read) makes the partitions dirty again
   * and goes with the next one.
   */
  checkpoint(final = false): Promise<void> {
    const run = this.#chain.then(() => this.#checkpoint(final));
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #checkpoint(final: boolean): Promise<void> {
    this.#queued = false;
    const { table, effects } = this.#c;
    const started = this.#c.clock.now();
    const dirty = table.dirty();
    const until = publishFrontier(table.frontierInputs(this.#c.clock.now(), this.#c.partitionIdleMs), this.#published, final);
    if (dirty.length === 0 && (until === null || until === this.#published)) {
      // Nothing new, but a mirror that was unreachable may have staged checkpoints to catch up on.
      if (this.#c.mirror?.pending) await this.#c.mirror.deliver(this.#c.connection, final);
      this.#requestedAt = null;
      return;
    }
    const snap = this.#snapshotsDue(dirty, started, final);
    const workers = this.#c.workers;
    const track = this.#c.incremental ?? true;
    // With workers: their snapshots, taken after every batch sent before; from each worker's answer
    // until the synchronous step below its reports wait, so offsets, results and snapshot agree.
    const remote = workers ? await workers.snapshots([...snap].filter(([p]) => isRemote(p)).map(([p, mode]) => ({ key: partitionKey(p.topic, p.partition), mode })), track) : null;
    let taken: (PartitionCheckpoint & ReturnType<PartitionState['buffer']['drain']>)[];
    let batch: (PartitionCheckpoint & ReturnType<PartitionState['buffer']['drain']>)[];
    let sized: (TakenSnapshot | null)[];
    let snapMs: number;
    let assigned: { key: string; nextOffset: string }[];
    try {
      const dlq = dirty.flatMap((p) => p.dlq);
      if (dlq.length > 0 && effects?.sendDeadLetters) await effects.sendDeadLetters(dlq);
      for (const p of dirty) p.dlq = [];
      // Offsets, snapshots (serialised and compressed piece by piece, synchronously) and results are
      // taken in one synchronous step: the three describe the same point of each partition's input.
      sized = dirty.map((p) => {
        const mode = snap.get(p);
        if (mode === undefined) return null;
        return isLocal(p) ? takeSnapshot(p.pipeline, mode, track) : (remote?.get(partitionKey(p.topic, p.partition)) ?? null);
      });
      snapMs = sized.reduce((n, s) => n + (s?.ms ?? 0), 0);
      taken = dirty.map((p) => ({ topic: p.topic, partition: p.partition, nextOffset: String(p.nextOffset), ...p.buffer.drain() }));
      batch = taken.map((t, i) => {
        const s = sized[i];
        return !s ? t : s.kind === 'full' ? { ...t, state: s.encoded } : { ...t, delta: s.encoded };
      });
      // Every assigned partition's position, for the mirror, at the same point; and the partitions are
      // clean from here: input read while the transaction runs makes them dirty again.
      assigned = this.#c.mirror ? [...this.#c.table.assigned].map((key) => ({ key, nextOffset: String(this.#c.table.get(key)?.nextOffset ?? -1n) })) : [];
      for (const p of dirty) p.dirty = false;
    } finally {
      workers?.release();
    }
    try {
      await this.#c.store.commit(batch, until, this.#published, (rows) => this.#inTransaction(batch, assigned, rows, until, final));
    } catch (err) {
      // Rolled back: the drained results go with the next checkpoint.
      dirty.forEach((p, i) => {
        p.buffer.putBack(taken[i]!);
        p.dirty = true;
        // Its changes since the snapshot before were taken and not stored: only a full one follows.
        if (sized[i]) p.snapshotAt = null;
      });
      throw err;
    }
    const publishedBefore = this.#published;
    if (until !== null) this.#published = until;
    const committed = this.#c.clock.now();
    const published = this.#published !== publishedBefore;
    const written = sized.filter((s) => s !== null);
    const fulls = written.filter((s) => s.kind === 'full');
    const snapshots = written.length > 0 ? { partitions: written.length, deltas: written.length - fulls.length, rawBytes: written.reduce((n, s) => n + s.rawBytes, 0), encodedBytes: written.reduce((n, s) => n + s.encoded.byteLength, 0), serialiseMs: snapMs } : undefined;
    this.#c.observer?.checkpointed?.({ durationMs: committed - started, publishedBefore, publishedUntil: this.#published, publishLatencyMs: published ? committed - (this.#requestedAt ?? started) : null, ...(snapshots ? { snapshots } : {}) });
    this.#requestedAt = null;
    dirty.forEach((p, i) => {
      const s = sized[i];
      if (!s) return;
      p.snapshotAt = committed;
      if (s.kind === 'full') p.chain = { baseBytes: s.encoded.byteLength, deltaBytes: 0 };
      else if (p.chain) p.chain.deltaBytes += s.encoded.byteLength;
    });
    // Full snapshots are what stops the event loop for long: their cost paces the next ones.
    if (fulls.length > 0) {
      this.#snapshotCostMs = fulls.reduce((n, s) => n + s.ms, 0) / fulls.length;
      this.#lastSnapshotAt = committed;
    }
    const mirrored = this.#c.mirror ? await this.#c.mirror.deliver(this.#c.connection, final) : true;
    const changelog = this.#afterCommit(batch, final, mirrored);
    if (final) await changelog;
    for (const pl of this.#c.plugins) await pl.afterCommit?.();
    this.#last = this.#c.clock.now();
    this.#count++;
    this.#c.onCheckpoint?.(this.#count);
  }

  /**
   * Which dirty partitions write a snapshot with this checkpoint, and of what kind ({@link SnapshotMode}).
   * A full one always: with the final checkpoint and a partition's first in this process (`snapshotAt`
   * null). Every checkpoint of `located` input writes one, a delta when it can (its watermark depends
   * on processing time, so a replay would not rebuild the same state). Others once their last snapshot
   * is older than `snapshotIntervalMs`:
   * - a full one (or a delta, when it can describe the state and the deltas since the last full one
   *   weigh less than it) while full snapshots are cheap (the last took < {@link CHEAP_SNAPSHOT_MS});
   *   once they are not, for at most one partition per checkpoint — deltas outweighing their snapshot
   *   first, then the one whose last snapshot is oldest — and no sooner than `snapshotCostFactor` × the
   *   last full snapshot's cost after it: encoding the state of many devices stops the event loop, so
   *   its share of the time stays bounded (about 1 / factor) however many devices there are;
   * - a delta for the others when one can describe their state (no device pass since their last
   *   snapshot), costing in proportion to the events since; nothing when not.
   * A checkpoint that writes nothing for a partition stores its results and offsets only; a restart
   * restores the last snapshot and its deltas and replays the messages after them (see `processBatch`).
   * With `incremental` off, only full snapshots, paced as above.
   */
  #snapshotsDue(dirty: PartitionState[], now: number, final: boolean): Map<PartitionState, SnapshotMode> {
    const { input, snapshotIntervalMs = 0, snapshotCostFactor = 10, incremental = true } = this.#c;
    const due = new Map<PartitionState, SnapshotMode>();
    for (const p of dirty) if (final || p.snapshotAt === null) due.set(p, 'full');
    const heavy = (p: PartitionState) => p.chain !== undefined && p.chain.deltaBytes >= p.chain.baseBytes;
    const older = dirty
      .filter((p) => !due.has(p) && (input === 'located' || now - p.snapshotAt! >= snapshotIntervalMs))
      .sort((a, b) => Number(heavy(b)) - Number(heavy(a)) || a.snapshotAt! - b.snapshotAt!);
    const whole = (p: PartitionState): SnapshotMode => (!incremental || heavy(p) ? 'full' : 'auto');
    if (this.#snapshotCostMs < CHEAP_SNAPSHOT_MS) for (const p of older) due.set(p, whole(p));
    else if (older.length > 0 && now - this.#lastSnapshotAt >= this.#snapshotCostMs * snapshotCostFactor) due.set(older[0]!, whole(older[0]!));
    for (const p of older) {
      if (due.has(p)) continue;
      if (incremental) due.set(p, input === 'located' ? 'auto' : 'delta');
      else if (input === 'located') due.set(p, 'full');
    }
    return due;
  }

  /** Device outputs and window plugins write inside the transaction; returns the plugins' state. */
  async #inTransaction(
    batch: (PartitionCheckpoint & { device: Map<string, unknown[]> })[], assigned: { key: string; nextOffset: string }[], published: PresenceRow[], until: number | null, final: boolean,
  ): Promise<Record<string, unknown> | null> {
    const { connection, plugins, deviceConsumers, mirror } = this.#c;
    for (const d of deviceConsumers) {
      const out = batch.flatMap((b) => b.device.get(d.name) ?? []);
      if (out.length > 0 && d.store) await d.store(connection, out);
    }
    if (published.length > 0) for (const pl of plugins) pl.onWindowsClosed(published);
    for (const pl of plugins) await pl.flush(connection);
    const states: Record<string, unknown> = {};
    for (const pl of plugins) if (pl.snapshot) states[pl.name] = pl.snapshot();
    if (mirror) {
      await mirror.stage(connection, { parts: batch, assigned, publishedUntil: until, published, final });
    }
    return Object.keys(states).length > 0 ? states : null;
  }

  /**
   * Offsets and changelog: best effort, not awaited except the final changelog (the returned promise):
   * DuckDB is already consistent, and a lagging copy only means a longer replay for the next owner.
   * The changelog waits while the mirror is behind (`mirrored` false): another process must never
   * resume a partition past what the mirror holds.
   */
  #afterCommit(batch: PartitionCheckpoint[], final: boolean, mirrored = true): Promise<void> {
    const { effects, log } = this.#c;
    const offsets = batch.filter((b) => BigInt(b.nextOffset) >= 0n).map((b) => ({ topic: b.topic, partition: b.partition, offset: b.nextOffset }));
    if (offsets.length > 0 && !final && effects?.commitOffsets) {
      void effects.commitOffsets(offsets).catch((err: Error) => log?.(`offset commit to Kafka failed (harmless): ${err.message}`));
    }
    if (!effects?.publishStates || !mirrored) return Promise.resolve();
    return effects.publishStates(batch).catch((err: Error) => log?.(`state changelog not updated (a moved partition replays further back): ${err.message}`));
  }
}

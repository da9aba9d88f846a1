import { Worker } from 'node:worker_threads';
import type { KafkaMessage } from 'kafkajs';
import type { DeadLetter, LateRecord } from '../../src/core/pipeline-sink.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';
import type { WindowConfig } from '../../src/window/window-config.ts';
import type { IngestConsumerSpec } from '../ingest-consumers.ts';
import type { PipelineDelta, PipelineSnapshot, PipelineStats } from '../ingest-pipeline.ts';
import type { SnapshotMode, TakenSnapshot } from './take-snapshot.ts';

/**
 * `stream --workers N`: what the worker threads need to rebuild, each on its own, the pipeline a
 * partition runs on the main thread without workers. Plain data: it crosses to every worker.
 */
export interface PartitionWorkersConfig {
  /** Worker threads (≥ 1); each owns whole partitions. */
  count: number;
  /** The cell table's CSV (every worker reads it). */
  cellsPath: string;
  window: WindowConfig & { resolution: number };
  /**
   * The device consumers, as `ingest` builds them (trajectory, population with watched areas,
   * traffic), or null for none. They must be the runner's `deviceConsumers` (which store their
   * outputs): a report naming another consumer stops the run.
   */
  consumers: IngestConsumerSpec | null;
  /** The pseudonymisation key and period: each worker pseudonymises its partitions' subscribers (the key never leaves memory). */
  pseudonym: { key: Uint8Array; rotateEveryMs?: number };
  /** Dead-letter topic on: workers return a copy of each poison message for it. */
  deadLetters: boolean;
  /** Event time a closed window's device pass waits after its presence rows (the stream's `devicePassDelayMs`). */
  devicePassDelayMs: number;
}

/** A batch of one partition's messages, as it crosses to its worker: values in one buffer. */
export interface WorkerBatchMessage {
  op: 'batch';
  key: string;
  gen: number;
  /** Message values back to back; message i is `values[bounds[i], bounds[i+1])`, or null when `nulls[i]`. */
  values: Uint8Array<ArrayBuffer>;
  bounds: Int32Array<ArrayBuffer>;
  nulls: Uint8Array<ArrayBuffer>;
  /** Offsets (exact below 2^53, which no Kafka log reaches). */
  offsets: Float64Array<ArrayBuffer>;
  /** Message keys (the subscriber for `citypulse publish`), null when absent. */
  keys: (string | null)[];
  /** `content-type` header per message, null when absent. */
  types: (string | null)[];
  /** Offsets up to here (exclusive) are consumed even without a message (transaction markers); -1 when not. */
  consumedUntil: number;
  /** Processing time and wall clock for this batch. */
  now: number;
  wallNow: number;
}

/** A checkpoint's request for a partition's snapshot ({@link SnapshotMode}). */
export interface SnapshotRequest {
  key: string;
  mode: SnapshotMode;
}

/** A partition's snapshot, as a worker answers a {@link SnapshotRequest}. */
export type KeyedSnapshot = TakenSnapshot & { key: string };

/** Messages to a partition worker. */
export type ToWorker =
  | { op: 'restore'; key: string; gen: number; topic: string; partition: number; state: PipelineSnapshot | null; deltas: PipelineDelta[]; nextOffset: string; replayUntil: string; partitions: number | null; now: number; wallNow: number }
  | WorkerBatchMessage
  | { op: 'snapshot'; requests: SnapshotRequest[]; track: boolean }
  | { op: 'finish'; key: string; now: number }
  | { op: 'drop'; key: string };

/** What a partition's pipeline emitted, drained from its buffer in the worker. */
export interface Drained {
  rows: PresenceRow[];
  dead: DeadLetter[];
  lates: LateRecord[];
  device: [string, unknown[]][];
}

/** A worker's report on one partition after a batch, restore or finish. */
export interface PartitionReport {
  op: 'report';
  key: string;
  /** The restore this report belongs to (a partition revoked and assigned again is a new generation). */
  gen: number;
  drained: Drained;
  /** Messages of the batch (by index) that gave dead letters, with their reasons, for the dead-letter topic. */
  dlq: { index: number; reasons: string[] }[];
  nextOffset: string;
  /** A message outside the replay was processed: the partition has something to checkpoint. */
  dirty: boolean;
  replayUntil: string;
  stats: PipelineStats;
  deviceCount: number;
  watermark: number;
  /** Set when a message held records of another partition's subscribers (position `partition@offset`). */
  strayAt: string | null;
  logs: string[];
  /** True for the answer to a batch (counts against the worker's in-flight batches). */
  batch: boolean;
}

/** Messages from a partition worker. */
export type FromWorker =
  | PartitionReport
  | { op: 'skipped'; key: string; gen: number }
  | { op: 'snapshot'; states: KeyedSnapshot[] }
  | { op: 'error'; message: string };

/**
 * The main thread's view of a partition whose pipeline runs in a worker thread: the counters, device
 * count and watermark of its last report, and where its input stands.
 */
export class RemotePipeline {
  stats: PipelineStats;
  deviceCount = 0;
  #watermark = -Infinity;
  /** Next offset to send to the worker (the runner's `nextOffset` is the next one whose results came back). */
  dispatched: bigint;
  /** The partition's log held messages past the last batch sent (catching up on a backlog). */
  behind = false;
  /**
   * The batches sent and not yet answered, oldest first: their messages while a dead-letter topic is
   * on (a poison message goes there with its original key, bytes and offset), else null.
   */
  readonly sent: (readonly KafkaMessage[] | null)[] = [];
  readonly worker: number;
  /** Which restore of the partition this is: reports of an earlier one (revoked, then assigned again) are ignored. */
  readonly gen: number;

  constructor(worker: number, gen: number, report: PartitionReport, dispatched: bigint) {
    this.worker = worker;
    this.gen = gen;
    this.stats = report.stats;
    this.dispatched = dispatched;
    this.update(report);
  }

  /** The partition's watermark at its last report (ms; -Infinity before any event). */
  watermark(_now = 0): number {
    return this.#watermark;
  }

  /** Takes a report's counters. */
  update(r: PartitionReport): void {
    this.stats = r.stats;
    this.deviceCount = r.deviceCount;
    this.#watermark = r.watermark;
  }
}

/** Batches a worker may hold before the reading thread waits for it. */
export const MAX_IN_FLIGHT = 3;

/** A restore or finish waiting for its report. */
interface Pending {
  resolve: (r: PartitionReport) => void;
  reject: (err: Error) => void;
}

interface WorkerSlot {
  worker: Worker;
  inFlight: number;
  partitions: number;
  /** While a checkpoint collects snapshots: reports that arrived after this worker's snapshot, applied once it is written. */
  held: PartitionReport[] | null;
  pendingSnapshot: { resolve: (states: KeyedSnapshot[]) => void; reject: (err: Error) => void } | null;
}

/**
 * The worker threads of `stream --workers N` (pipelines/stream/partition-worker.ts). Each owns whole
 * partitions — their pipelines (decode, validate, pseudonymise, locate, windows, device consumers)
 * live there — and the main thread keeps Kafka, the checkpoints and the one DuckDB writer. A batch
 * crosses as one buffer of values; the worker answers with what the partition emitted and how far it
 * got, and the main thread applies each answer in one synchronous step, so the offset, the buffered
 * results and (at a checkpoint) the snapshot of a partition always describe the same point of its
 * input, as they do without workers. Batches are not awaited: Kafka fetches the next while the
 * workers work, up to {@link MAX_IN_FLIGHT} per worker.
 */
export class PartitionWorkers {
  readonly #slots: WorkerSlot[];
  readonly #onReport: (r: PartitionReport) => void;
  readonly #onFatal: (err: Error) => void;
  readonly #waiters = new Set<() => void>();
  /** Restores waiting for their first report, by generation. */
  readonly #restores = new Map<number, Pending>();
  readonly #finishes = new Map<string, Pending>();
  readonly #owner = new Map<string, number>();
  #failed: Error | null = null;
  #closing = false;
  #gen = 0;
  readonly #deadLetters: boolean;

  constructor(config: PartitionWorkersConfig, onReport: (r: PartitionReport) => void, onFatal: (err: Error) => void) {
    if (!Number.isInteger(config.count) || config.count < 1) throw new RangeError(`workers must be a whole number ≥ 1, got ${config.count}`);
    this.#onReport = onReport;
    this.#onFatal = onFatal;
    this.#deadLetters = config.deadLetters;
    const { count, ...shared } = config;
    this.#slots = Array.from({ length: count }, (_, i) => {
      const worker = new Worker(new URL('./partition-worker.ts', import.meta.url), { workerData: shared });
      const slot: WorkerSlot = { worker, inFlight: 0, partitions: 0, held: null, pendingSnapshot: null };
      worker.on('message', (m: FromWorker) => this.#onMessage(slot, m));
      worker.on('error', (err) => this.#fail(new Error(`stream worker ${i}: ${err.stack ?? err.message}`)));
      worker.on('exit', (code) => {
        if (!this.#closing) this.#fail(new Error(`stream worker ${i} exited with code ${code}`));
      });
      return slot;
    });
  }

  #onMessage(slot: WorkerSlot, m: FromWorker): void {
    if (m.op === 'error') return this.#fail(new Error(m.message));
    if (m.op === 'snapshot') {
      slot.held = [];
      const pending = slot.pendingSnapshot;
      slot.pendingSnapshot = null;
      pending?.resolve(m.states);
      return;
    }
    if (m.op === 'skipped' || m.batch) {
      slot.inFlight--;
      for (const w of this.#waiters) w();
    }
    if (m.op === 'skipped') return;
    if (slot.held) slot.held.push(m);
    else this.#apply(m);
  }

  #apply(r: PartitionReport): void {
    const restored = r.batch ? undefined : this.#restores.get(r.gen);
    if (restored) {
      this.#restores.delete(r.gen);
      return restored.resolve(r);
    }
    this.#onReport(r);
    const finished = this.#finishes.get(r.key);
    if (finished && !r.batch) {
      this.#finishes.delete(r.key);
      finished.resolve(r);
    }
  }

  #fail(err: Error): void {
    if (this.#failed) return;
    this.#failed = err;
    for (const w of this.#waiters) w();
    for (const p of [...this.#restores.values(), ...this.#finishes.values()]) p.reject(err);
    this.#restores.clear();
    this.#finishes.clear();
    for (const s of this.#slots) {
      s.pendingSnapshot?.reject(err);
      s.pendingSnapshot = null;
    }
    this.#onFatal(err);
  }

  #post(worker: number, m: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.#slots[worker]!.worker.postMessage(m, transfer);
  }

  /**
   * Gives a partition to the least loaded worker and restores its state there; resolves with the
   * worker's first report (counters at the snapshot) once the pipeline is ready.
   */
  restore(m: Omit<Extract<ToWorker, { op: 'restore' }>, 'op' | 'gen'>): Promise<RemotePipeline> {
    if (this.#failed) return Promise.reject(this.#failed);
    const prev = this.#owner.get(m.key);
    if (prev !== undefined) this.drop(m.key);
    let worker = 0;
    for (let i = 1; i < this.#slots.length; i++) if (this.#slots[i]!.partitions < this.#slots[worker]!.partitions) worker = i;
    this.#slots[worker]!.partitions++;
    this.#owner.set(m.key, worker);
    const gen = ++this.#gen;
    return new Promise((resolve, reject) => {
      this.#restores.set(gen, { resolve: (report) => resolve(new RemotePipeline(worker, gen, report, BigInt(m.nextOffset))), reject });
      this.#post(worker, { op: 'restore', gen, ...m });
    });
  }

  /** Forgets a partition (revoked): its worker drops its pipeline, and reports still on their way are ignored by the runner. */
  drop(key: string): void {
    const w = this.#owner.get(key);
    if (w === undefined) return;
    this.#owner.delete(key);
    this.#slots[w]!.partitions--;
    // A restore or finish still pending is answered before the drop (the worker takes them in order).
    this.#post(w, { op: 'drop', key });
  }

  /**
   * Sends a batch of `key`'s messages to its worker (the values copied into one transferred buffer),
   * then waits while that worker holds more than {@link MAX_IN_FLIGHT} batches, calling `heartbeat`
   * every second of the wait.
   */
  async dispatch(rp: RemotePipeline, key: string, messages: readonly KafkaMessage[], consumedUntil: number, now: number, wallNow: number, heartbeat: () => Promise<void>): Promise<void> {
    if (this.#failed) throw this.#failed;
    const n = messages.length;
    let total = 0;
    for (const m of messages) total += m.value?.byteLength ?? 0;
    const values = new Uint8Array(total);
    const bounds = new Int32Array(n + 1);
    const nulls = new Uint8Array(n);
    const offsets = new Float64Array(n);
    const keys = new Array<string | null>(n);
    const types = new Array<string | null>(n);
    let pos = 0;
    for (let i = 0; i < n; i++) {
      const m = messages[i]!;
      bounds[i] = pos;
      if (m.value) {
        values.set(m.value, pos);
        pos += m.value.byteLength;
      } else nulls[i] = 1;
      offsets[i] = Number(m.offset);
      keys[i] = m.key ? m.key.toString('utf8') : null;
      const ct = m.headers?.['content-type'];
      types[i] = ct === undefined ? null : ct.toString();
    }
    bounds[n] = pos;
    const slot = this.#slots[rp.worker]!;
    slot.inFlight++;
    rp.sent.push(this.#deadLetters ? messages : null);
    const batch: WorkerBatchMessage = { op: 'batch', key, gen: rp.gen, values, bounds, nulls, offsets, keys, types, consumedUntil, now, wallNow };
    this.#post(rp.worker, batch, [values.buffer, bounds.buffer, nulls.buffer, offsets.buffer]);
    let last = performance.now();
    while (slot.inFlight > MAX_IN_FLIGHT && !this.#failed) {
      await this.#wait(1_000);
      if (performance.now() - last >= 1_000) {
        await heartbeat();
        last = performance.now();
      }
    }
    if (this.#failed) throw this.#failed;
  }

  #wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.#waiters.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  /** Resolves once every batch sent has been answered and applied. */
  async drain(): Promise<void> {
    while (!this.#failed && this.#slots.some((s) => s.inFlight > 0)) await this.#wait(1_000);
    if (this.#failed) throw this.#failed;
  }

  /** End of input for one partition: every window closes and the device consumers emit what is open; resolves once the report is applied. */
  finish(key: string, now: number): Promise<PartitionReport> {
    const w = this.#owner.get(key);
    if (w === undefined) return Promise.reject(new Error(`partition ${key} is not held by a worker`));
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise((resolve, reject) => {
      this.#finishes.set(key, { resolve, reject });
      this.#post(w, { op: 'finish', key, now });
    });
  }

  /**
   * Snapshots of the partitions requested, taken by their workers after every batch sent before (see
   * `takeSnapshot`; `track`: incremental checkpoints on). From each worker's answer until
   * {@link release}, its later reports are held back, so what the runner holds of those partitions —
   * offsets and buffered results — stays at the point of the snapshot. A partition whose `delta`
   * request found no delta is absent from the answer.
   */
  async snapshots(requests: readonly SnapshotRequest[], track: boolean): Promise<Map<string, TakenSnapshot>> {
    // Every worker is asked (most with no key): each then holds its later reports back, so no
    // partition moves while the checkpoint sends dead letters and takes what it stores.
    const byWorker = this.#slots.map(() => [] as SnapshotRequest[]);
    for (const r of requests) {
      const w = this.#owner.get(r.key);
      if (w !== undefined) byWorker[w]!.push(r);
    }
    const answers = await Promise.all(
      byWorker.map(
        (ks, w) =>
          new Promise<KeyedSnapshot[]>((resolve, reject) => {
            if (this.#failed) return reject(this.#failed);
            this.#slots[w]!.pendingSnapshot = { resolve, reject };
            this.#post(w, { op: 'snapshot', requests: ks, track });
          }),
      ),
    ).catch((err: unknown) => {
      this.release();
      throw err;
    });
    return new Map(answers.flat().map((s) => [s.key, s]));
  }

  /** After a checkpoint took its snapshots: applies the reports held back meanwhile, in order. */
  release(): void {
    for (const slot of this.#slots) {
      const held = slot.held;
      slot.held = null;
      if (held) for (const r of held) this.#apply(r);
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }
}

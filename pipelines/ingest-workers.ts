import { Worker } from 'node:worker_threads';
import type { LocatedEvent } from '../schemas/events.ts';
import type { PresenceRow } from '../src/core/presence-row.ts';
import type { IngestConsumerSpec } from './ingest-consumers.ts';
import type { WindowConfig } from '../src/window/window-config.ts';
import type { ExternalWindows } from './ingest-pipeline.ts';

/** Configuration of {@link IngestWorkers}. */
export interface IngestWorkersConfig {
  /** Worker threads (≥ 1), each owning the devices whose id hashes to it. */
  count: number;
  /** The cell table's CSV (each worker reads it: the trajectory layer places stays with it). */
  cellsPath: string;
  window: WindowConfig & { resolution: number };
  consumers: IngestConsumerSpec;
}

/**
 * One message to a worker: its devices' events since the last message, then a watermark or the end.
 * Strings travel once: each worker's dictionary (ids from 0) grows by `strings` with every message
 * (cleared first when `reset`), and the events' string fields are ids into it (-1: absent). The
 * worker then holds one string object per device id or cell, as a single thread does — a string
 * copied in every message would be hashed again by every map and property lookup downstream.
 */
export interface WorkerBatch {
  marker: number;
  reset: boolean;
  strings: string[];
  ts: Float64Array<ArrayBuffer>;
  /** Per event: device, h3, kind, at, mcc ids (5 per event). */
  ids: Int32Array<ArrayBuffer>;
  advanceTo: number | null;
  finish: boolean;
}

/** Strings a worker's dictionary may hold before both sides start a new one. */
const DICTIONARY_LIMIT = 4_000_000;

/** A worker's answer to a {@link WorkerBatch}. */
export interface WorkerReply {
  marker: number;
  rows: PresenceRow[];
  outputs: [string, unknown[]][];
  deviceCount: number;
  error?: string;
}

/** What a batch of messages gave, over all workers: presence rows summed per (window, cell), device outputs by consumer. */
export interface WindowResults {
  rows: PresenceRow[];
  outputs: Map<string, unknown[]>;
}

/** One worker's outgoing events, dictionary-encoded (see {@link WorkerBatch}). */
class Columns {
  ts: number[] = [];
  ids: number[] = [];
  strings: string[] = [];
  reset = false;
  readonly #dict = new Map<string, number>();

  push(ev: LocatedEvent): void {
    this.ts.push(ev.ts);
    this.ids.push(this.#id(ev.device), this.#id(ev.h3), this.#id(ev.kind), ev.at === undefined ? -1 : this.#id(ev.at), ev.mcc === undefined ? -1 : this.#id(ev.mcc));
  }

  #id(s: string): number {
    let id = this.#dict.get(s);
    if (id === undefined) {
      id = this.#dict.size;
      this.#dict.set(s, id);
      this.strings.push(s);
    }
    return id;
  }

  /** The message body gathered since the last take; the next one starts empty. */
  take(): { ts: Float64Array<ArrayBuffer>; ids: Int32Array<ArrayBuffer>; strings: string[]; reset: boolean } {
    const out = { ts: Float64Array.from(this.ts), ids: Int32Array.from(this.ids), strings: this.strings, reset: this.reset };
    this.ts = [];
    this.ids = [];
    this.strings = [];
    this.reset = false;
    if (this.#dict.size > DICTIONARY_LIMIT) {
      this.#dict.clear();
      this.reset = true;
    }
    return out;
  }
}

/** FNV-1a over the device id's characters: which worker owns a device. */
export function workerOf(device: string, count: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < device.length; i++) h = Math.imul(h ^ device.charCodeAt(i), 0x01000193);
  return (h >>> 0) % count;
}

/**
 * `ingest --workers N`: the event-time windows and device consumers of one ingest on N worker
 * threads, each owning the devices whose id hashes to it (pipelines/ingest-worker.ts). The main
 * thread keeps everything order-dependent — reading, decoding, validation, pseudonymisation,
 * location, the watermark and the lateness of every event, dead letters, the one DuckDB writer —
 * and sends each worker its devices' accepted events, in input order, with every watermark the
 * windows must advance to. Presence counts devices, and a device lives in one worker, so the rows of
 * a window are the sums of the workers' rows (`present`, `active`, `events`); device consumers see
 * each device's whole history. The result is the single-threaded one, row for row (the trajectory
 * layer's hourly OD rows are per-worker partials, as under `stream` per partition: sum them).
 */
export class IngestWorkers implements ExternalWindows {
  readonly #workers: Worker[];
  readonly #cols: Columns[];
  #marker = 0;
  readonly #replies = new Map<number, WorkerReply[]>();
  #completedUpTo = 0;
  #takenUpTo = 0;
  readonly #deviceCounts: number[];
  #error: Error | null = null;
  #wake: (() => void) | null = null;

  constructor(config: IngestWorkersConfig) {
    if (!Number.isInteger(config.count) || config.count < 1) throw new RangeError(`workers must be a whole number ≥ 1, got ${config.count}`);
    this.#cols = Array.from({ length: config.count }, () => new Columns());
    this.#deviceCounts = new Array<number>(config.count).fill(0);
    this.#workers = Array.from({ length: config.count }, (_, i) => {
      const w = new Worker(new URL('./ingest-worker.ts', import.meta.url), { workerData: { cellsPath: config.cellsPath, window: config.window, consumers: config.consumers } });
      w.on('message', (r: WorkerReply) => this.#onReply(i, r));
      w.on('error', (err) => this.#fail(err));
      w.on('exit', (code) => {
        if (code !== 0) this.#fail(new Error(`ingest worker ${i} exited with code ${code}`));
      });
      return w;
    });
  }

  get deviceCount(): number {
    return this.#deviceCounts.reduce((a, b) => a + b, 0);
  }

  add(ev: LocatedEvent): void {
    this.#cols[this.#workers.length === 1 ? 0 : workerOf(ev.device, this.#workers.length)]!.push(ev);
  }

  advance(watermark: number): void {
    this.#send(watermark, false);
  }

  /** Sends the events gathered so far (without closing anything), so the workers start on them. */
  flushEvents(): void {
    if (this.#cols.some((c) => c.ts.length > 0)) this.#send(null, false);
  }

  finish(): void {
    this.#send(null, true);
  }

  #send(advanceTo: number | null, finish: boolean): void {
    const marker = ++this.#marker;
    this.#workers.forEach((w, i) => {
      const body = this.#cols[i]!.take();
      const msg: WorkerBatch = { marker, ...body, advanceTo, finish };
      w.postMessage(msg, [body.ts.buffer, body.ids.buffer]);
    });
  }

  #onReply(worker: number, r: WorkerReply): void {
    if (r.error) return this.#fail(new Error(`ingest worker ${worker}: ${r.error}`));
    this.#deviceCounts[worker] = r.deviceCount;
    let list = this.#replies.get(r.marker);
    if (!list) this.#replies.set(r.marker, (list = []));
    list[worker] = r;
    while ((this.#replies.get(this.#completedUpTo + 1)?.filter(Boolean).length ?? 0) === this.#workers.length) this.#completedUpTo++;
    this.#wake?.();
  }

  #fail(err: Error): void {
    this.#error ??= err;
    this.#wake?.();
  }

  /**
   * Waits until at most `maxPending` messages are unanswered (0: all of them), then returns the
   * results of every message answered since the last call, in order, merged over the workers.
   */
  async take(maxPending: number): Promise<WindowResults[]> {
    while (!this.#error && this.#marker - this.#completedUpTo > maxPending) await new Promise<void>((resolve) => (this.#wake = resolve));
    this.#wake = null;
    if (this.#error) throw this.#error;
    const out: WindowResults[] = [];
    for (; this.#takenUpTo < this.#completedUpTo; ) {
      const m = ++this.#takenUpTo;
      out.push(merge(this.#replies.get(m)!));
      this.#replies.delete(m);
    }
    return out;
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

function merge(replies: WorkerReply[]): WindowResults {
  const outputs = new Map<string, unknown[]>();
  for (const r of replies) for (const [name, rows] of r.outputs) {
    const have = outputs.get(name);
    if (have) for (const x of rows) have.push(x);
    else outputs.set(name, rows);
  }
  if (replies.length === 1) return { rows: replies[0]!.rows, outputs };
  const byKey = new Map<string, PresenceRow>();
  for (const r of replies) for (const row of r.rows) {
    const k = `${row.windowStart}|${row.h3}`;
    const have = byKey.get(k);
    if (have) {
      have.present += row.present;
      have.active += row.active;
      have.events += row.events;
    } else byKey.set(k, row);
  }
  const rows = [...byKey.values()].sort((a, b) => a.windowStart - b.windowStart || (a.h3 < b.h3 ? -1 : a.h3 > b.h3 ? 1 : 0));
  return { rows, outputs };
}

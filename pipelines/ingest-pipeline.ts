import { DEAD_LETTER_REASONS, type DeadLetterReason } from '../schemas/events.ts';
import { decodeText, type DecodedMessage } from '../src/ingest/decode/decode-message.ts';
import { ArrowRecords } from '../src/ingest/decode/arrow-message.ts';
import { ColumnarLocator, STRAY } from '../src/locate/columnar-locator.ts';
import type { LocatedEvent } from '../schemas/events.ts';
import type { CellTable } from '../src/locate/cell-table.ts';
import { RecordLocator, isDeadLetter } from '../src/locate/record-locator.ts';
import type { DeadLetter, PipelineSink } from '../src/core/pipeline-sink.ts';
import type { Pseudonymiser } from '../src/privacy/pseudonymiser.ts';
import type { DeviceConsumer, DeviceConsumerPlugin } from '../src/window/device-window.ts';
import { ConsumerFanout } from '../src/window/consumer-fanout.ts';
import { PresenceEngine, type PresenceEngineDelta, type PresenceEngineSnapshot } from '../src/window/presence-engine.ts';
import type { PresenceRow } from '../src/core/presence-row.ts';
import { DEFAULT_WINDOW_CONFIG, windowStart, type WindowConfig } from '../src/window/window-config.ts';
import { Watermarks } from '../src/window/watermarks.ts';

const LOCATED_ONLY = 'this pipeline takes located events only (no pseudonymiser configured)';

/** Configuration of an {@link IngestPipeline}. Window fields default to {@link DEFAULT_WINDOW_CONFIG}. */
export interface IngestPipelineConfig extends Partial<WindowConfig> {
  /** Cell table; its resolution is the base H3 resolution (default 9). */
  cells: CellTable;
  /**
   * Turns IMSIs into device ids. Optional only for a pipeline fed located events alone
   * ({@link IngestPipeline.processLocated}, e.g. a window worker of `ingest --workers`): reading a
   * payload without it throws.
   */
  pseudonymiser?: Pseudonymiser;
  sink: PipelineSink;
  /** Wall clock for the "at most a day ahead" check. Default Date.now. */
  now?: () => number;
  /** An input (partition) silent this long, in processing time, stops holding the watermark. Default ∞. */
  idleTimeoutMs?: number;
  /** Called with the rows of every batch of windows that closes (alerts and exports hook in here). */
  onWindowsClosed?: (rows: readonly PresenceRow[]) => void;
  /**
   * Per-device consumers of closed windows (see `src/window/device-window.ts`): each gets a fresh
   * instance, every closed window's {@link DeviceWindow}s, and its outputs go to the sink's
   * `deviceOutputs` under its name; its state is part of {@link PipelineSnapshot}. Default none
   * (then no DeviceWindow is built).
   */
  deviceConsumers?: readonly DeviceConsumerPlugin<unknown, never>[];
  /**
   * Event time (ms) the device consumers' pass over a closed window waits after its presence rows
   * (see `PresenceEngineConfig.devicePassDelayMs`). Default 0: one pass. The stream sets it so that a
   * window's presence (and its alerts) are published before the slower per-device work runs.
   */
  devicePassDelayMs?: number;
  /**
   * Event-time windows held elsewhere (`ingest --workers`: worker threads owning disjoint sets of
   * devices, see pipelines/ingest-workers.ts). The pipeline still decodes, validates, pseudonymises,
   * locates and decides lateness against its own watermark — exactly as with its own windows, since
   * a window is closed only once the watermark has passed its end — and hands every accepted event
   * and every watermark it advances to to `windows`; closed-window rows come back through
   * {@link IngestPipeline.deliver}. Such a pipeline has no state to snapshot.
   */
  windows?: ExternalWindows;
}

/** Where a pipeline with {@link IngestPipelineConfig.windows} sends its accepted events and watermarks. */
export interface ExternalWindows {
  add(ev: LocatedEvent): void;
  /** Close every window the watermark (ms) has passed; called when it has passed a new window boundary. */
  advance(watermark: number): void;
  /** End of a finite input: close every window, let device consumers emit what is still open. */
  finish(): void;
  /** Devices held in window state, as last reported. */
  readonly deviceCount: number;
}

/** Counters of one pipeline run. */
export interface PipelineStats {
  /** Lines (files) or messages (Kafka) read. */
  payloads: number;
  /** Records seen (elements of arrays count one each; an unparsable payload counts one). */
  records: number;
  accepted: number;
  /** Accepted records by event kind (`attach`, `handover`, …, `fix`): the `records in by kind` metric. */
  acceptedByKind: Record<string, number>;
  late: number;
  /**
   * Records refused because their subscriber belongs to another partition (`stream`'s ownership check;
   * see {@link IngestPipeline.processMessage}). Always 0 in `ingest`.
   */
  strays: number;
  deadLetters: Record<DeadLetterReason, number>;
  windowsClosed: number;
  presenceRows: number;
  /** Latest closed window end (ms), or null. */
  closedUntil: number | null;
}

/** An incremental snapshot of an {@link IngestPipeline} ({@link IngestPipeline.snapshotDelta}). */
export interface PipelineDelta {
  kind: 'delta';
  engine: PresenceEngineDelta;
  watermarks: [string, number][];
  stats: PipelineStats;
}

/** True when a decoded checkpoint state is a {@link PipelineDelta}, not a full {@link PipelineSnapshot}. */
export function isPipelineDelta(state: unknown): state is PipelineDelta {
  return typeof state === 'object' && state !== null && (state as { kind?: unknown }).kind === 'delta';
}

/** Plain-data state of a pipeline, stored with source offsets for exactly-once restarts. */
export interface PipelineSnapshot {
  engine: PresenceEngineSnapshot;
  watermarks: [string, number][];
  stats: PipelineStats;
  /** State of each device consumer by name (absent when none is registered, and in older checkpoints). */
  consumers?: Record<string, unknown>;
}

/**
 * The one code path from a raw payload to presence rows: decode/validate → pseudonymise → locate →
 * event-time windows → sink. File, stdin, simulator and Kafka sources all feed {@link processPayload}.
 */
export class IngestPipeline {
  readonly config: WindowConfig & { resolution: number };
  readonly #locatorOrNull: RecordLocator | null;
  readonly #cells: CellTable;
  readonly #pseudo: Pseudonymiser | null;
  readonly #windows: ExternalWindows | null;
  /** With external windows: the end of the last window closed (what the engine's closedUntil would be). */
  #closedMirror = -Infinity;
  readonly #sink: PipelineSink;
  readonly #now: () => number;
  readonly #engine: PresenceEngine;
  readonly #watermarks: Watermarks;
  readonly #onClosed?: (rows: readonly PresenceRow[]) => void;
  readonly #consumers: readonly DeviceConsumer[];
  /** Consumers done with {@link finishConsumers}. */
  readonly #finished = new Set<DeviceConsumer>();
  #wallNow: number;
  #windowsClosedSeen = new Set<number>();
  stats: PipelineStats;

  constructor(config: IngestPipelineConfig) {
    this.config = {
      windowMs: config.windowMs ?? DEFAULT_WINDOW_CONFIG.windowMs,
      latenessMs: config.latenessMs ?? DEFAULT_WINDOW_CONFIG.latenessMs,
      presenceTimeoutMs: config.presenceTimeoutMs ?? DEFAULT_WINDOW_CONFIG.presenceTimeoutMs,
      resolution: config.cells.resolution,
    };
    this.#locatorOrNull = config.pseudonymiser ? new RecordLocator({ cells: config.cells, pseudonymiser: config.pseudonymiser }) : null;
    this.#cells = config.cells;
    this.#pseudo = config.pseudonymiser ?? null;
    this.#windows = config.windows ?? null;
    this.#sink = config.sink;
    this.#now = config.now ?? Date.now;
    this.#wallNow = this.#now();
    this.#consumers = createConsumers(config.deviceConsumers ?? []);
    this.#engine = new PresenceEngine({
      ...this.config,
      ...(this.#consumers.length > 0 ? { deviceSink: new ConsumerFanout(this.#consumers, (name, out) => this.#sink.deviceOutputs?.(name, out)) } : {}),
      ...(config.devicePassDelayMs !== undefined ? { devicePassDelayMs: config.devicePassDelayMs } : {}),
    });
    this.#watermarks = new Watermarks({ latenessMs: this.config.latenessMs, idleTimeoutMs: config.idleTimeoutMs });
    if (config.onWindowsClosed) this.#onClosed = config.onWindowsClosed;
    this.stats = emptyStats();
  }

  get #locator(): RecordLocator {
    if (!this.#locatorOrNull) throw new Error(LOCATED_ONLY);
    return this.#locatorOrNull;
  }

  get #pseudonymiser(): Pseudonymiser {
    if (!this.#pseudo) throw new Error(LOCATED_ONLY);
    return this.#pseudo;
  }

  /** Devices currently held in window state. */
  get deviceCount(): number {
    return this.#windows ? this.#windows.deviceCount : this.#engine.deviceCount;
  }

  /** The current overall watermark (ms; -Infinity before any event). */
  watermark(now = 0): number {
    return this.#watermarks.current(now);
  }

  /** Declares an input (e.g. an assigned Kafka partition) so it holds the watermark until it speaks. */
  trackInput(input: string, now = 0): void {
    this.#watermarks.track(input, now);
  }

  /** Forgets an input (e.g. a revoked partition). */
  untrackInput(input: string): void {
    this.#watermarks.remove(input);
  }

  /**
   * Processes one payload: a line of NDJSON or a Kafka message value, holding one JSON record or an
   * array of them. Bad records go to the sink's dead letters with the reason; nothing is dropped.
   * Call {@link advance} afterwards (per payload or per batch) to close windows.
   */
  processPayload(text: string, source: string, position: string, input = source, now = 0): void {
    this.processMessage(decodeText(text), source, position, input, now);
  }

  /**
   * Processes one decoded message ({@link decodeMessage}: a record, records, or an unreadable payload).
   * `owns`, when given, is asked for each readable record with an `imsi` (the raw subscriber, before
   * pseudonymisation; never stored): a record it refuses is a stray — not windowed here, counted in
   * `stats.strays` — because its device lives in another partition.
   */
  processMessage(msg: DecodedMessage, source: string, position: string, input = source, now = 0, owns?: (imsi: string) => boolean): void {
    this.stats.payloads++;
    if (msg.kind === 'unreadable') {
      this.stats.records++;
      this.#dead(this.#locator.deadLetter(source, position, msg.payload, { reason: 'malformed_json', detail: msg.detail }, null));
    } else if (msg.kind === 'one') {
      if (!owns || this.#owned(msg.record, owns)) this.#processRecord(msg.record, source, position, input, now, msg.raw);
    } else if (msg.records instanceof ArrowRecords) {
      this.#processColumnar(msg.records, source, position, input, now, owns);
    } else {
      let i = 0;
      for (const r of msg.records) {
        const at = `${position}[${i++}]`;
        if (!owns || this.#owned(r, owns)) this.#processRecord(r, source, at, input, now, null);
      }
    }
  }

  /**
   * Processes already-decoded records (e.g. rows of an Apache Arrow record batch): each value goes
   * through validation, pseudonymisation, location and windows exactly like a JSON record.
   * `position` gets `[i]` appended per record.
   */
  processRecords(records: Iterable<unknown>, source: string, position: string, input = source, now = 0): void {
    this.processMessage({ kind: 'many', records }, source, position, input, now);
  }

  /**
   * The columnar path of Arrow messages: per batch, subscribers and cells are looked up once
   * (`ColumnarLocator`); rows that are plainly valid go straight to the windows, any other row takes
   * the per-record path — row order, positions and every outcome as in the per-record path.
   */
  #processColumnar(records: ArrowRecords, source: string, position: string, input: string, now: number, owns?: (imsi: string) => boolean): void {
    let at = 0;
    const wallNow = this.#wallNow;
    for (const batch of records.columnar) {
      const loc = new ColumnarLocator(batch, this.#cells, this.#pseudonymiser);
      for (let i = 0; i < batch.length; i++, at++) {
        if (owns && loc.ownership(i, owns) === STRAY) {
          this.stats.strays++;
          continue;
        }
        const ev = loc.locate(i, wallNow);
        if (ev) {
          this.stats.records++;
          this.#accept(ev, source, position, input, now, at);
        } else {
          const r = batch.row(i);
          if (!owns || this.#owned(r, owns)) this.#processRecord(r, source, `${position}[${at}]`, input, now, null);
        }
      }
    }
  }

  #owned(record: unknown, owns: (imsi: string) => boolean): boolean {
    const imsi = typeof record === 'object' && record !== null ? (record as { imsi?: unknown }).imsi : undefined;
    if (typeof imsi !== 'string' || imsi.length === 0 || owns(imsi)) return true;
    this.stats.strays++;
    return false;
  }

  /** Refreshes the wall clock used for timestamp plausibility (call now and then on long runs). */
  tick(): void {
    this.#wallNow = this.#now();
  }

  #processRecord(value: unknown, source: string, position: string, input: string, now: number, raw: string | null): void {
    this.stats.records++;
    const ev = this.#locator.locate(value, this.#wallNow, source, position, raw);
    if (isDeadLetter(ev)) this.#dead(ev);
    else this.#accept(ev, source, position, input, now);
  }

  /**
   * Feeds an event that an earlier stage already validated, pseudonymised and located (the
   * repartition topic). Counts as one record.
   */
  processLocated(ev: LocatedEvent, source: string, position: string, input = source, now = 0): void {
    this.stats.records++;
    this.#accept(ev, source, position, input, now);
  }

  /** Records a dead letter decided by an earlier stage (the repartition topic). Counts as one record. */
  processDeadLetter(dl: DeadLetter): void {
    this.stats.records++;
    this.#dead(dl);
  }

  /** `element`, when given, is the record's index in a message: its position is then `position[element]`. */
  #accept(ev: LocatedEvent, source: string, position: string, input: string, now: number, element = -1): void {
    // Late means: the watermark had already passed the end of the event's window when it arrived,
    // whether or not that window has been emitted yet (emission is batched; lateness must not be).
    const watermark = this.#watermarks.current(now);
    const start = windowStart(ev.ts, this.config.windowMs);
    // With external windows the first test is the whole test: their windows close only at watermarks
    // this pipeline handed them, so an event its watermark has not passed is never behind them.
    if (start + this.config.windowMs <= watermark || (this.#windows === null && !this.#engine.add(ev))) {
      this.stats.late++;
      this.#sink.late({ ...ev, windowStart: start, watermark, source, position: element < 0 ? position : `${position}[${element}]` });
      return;
    }
    this.stats.accepted++;
    this.stats.acceptedByKind[ev.kind] = (this.stats.acceptedByKind[ev.kind] ?? 0) + 1;
    this.#windows?.add(ev);
    this.#watermarks.observe(input, ev.ts, now);
  }

  #dead(dl: DeadLetter): void {
    this.stats.deadLetters[dl.reason]++;
    this.#sink.deadLetter(dl);
  }

  /** Closes every window the watermark has passed; returns how many rows were emitted. */
  advance(now = 0): number {
    const watermark = this.#watermarks.current(now);
    if (this.#windows) {
      const boundary = windowStart(watermark, this.config.windowMs);
      if (boundary > this.#closedMirror) {
        this.#closedMirror = boundary;
        this.#syncClosed();
        this.#windows.advance(watermark);
      }
      return 0;
    }
    return this.#emit(this.#engine.advance(watermark));
  }

  /** Closes every window up to `watermark` (ms), whatever this pipeline's own watermark says: a window worker's. */
  advanceTo(watermark: number): number {
    return this.#emit(this.#engine.advance(watermark));
  }

  /**
   * Rows of windows closed by external windows ({@link IngestPipelineConfig.windows}), merged over
   * them: counted, sent to the sink and to `onWindowsClosed` as if this pipeline had closed them.
   */
  deliver(rows: PresenceRow[]): number {
    for (const r of rows) if (r.windowEnd > this.#closedMirror) this.#closedMirror = r.windowEnd;
    return this.#emit(rows);
  }

  /** End of a finite input: closes every window, then lets device consumers emit what is still open. */
  finish(): number {
    if (this.#windows) {
      this.#windows.finish();
      return 0;
    }
    const n = this.finishWindows();
    while (!this.finishConsumers(Infinity));
    return n;
  }

  /** End of a finite input, first step ({@link finish} in parts): closes every window; returns the rows emitted. */
  finishWindows(): number {
    return this.#emit(this.#engine.flush());
  }

  /**
   * {@link finishWindows} one window at a time, called until it returns false: closes the next window
   * still holding devices and emits its rows and device outputs, so the caller can store them before
   * the next window is built (at a million devices each window's outputs are a few hundred MB of
   * rows while buffered).
   */
  finishOneWindow(): boolean {
    if (this.#windows) {
      this.finish();
      return false;
    }
    const rows: PresenceRow[] = [];
    const more = this.#engine.flushOne(rows);
    this.#emit(rows);
    return more;
  }

  /**
   * End of a finite input, after the last window closed ({@link finishOneWindow} returned false):
   * gives back the memory that only the input needed — the window engine's device slots and events,
   * the pseudonym cache — before the device consumers emit what they still hold, where the run's
   * memory would otherwise peak. Later records would still be processed correctly (more slowly).
   */
  releaseInputState(): void {
    this.#engine.releaseMemory();
    this.#pseudo?.releaseCache();
  }

  /**
   * End of a finite input, second step, called until it returns true: device consumers emit what is
   * still open for at most `maxDevices` devices each ({@link DeviceConsumer.finishSome}; a consumer
   * without it emits everything at its first call). The caller may store the outputs in between.
   */
  finishConsumers(maxDevices: number): boolean {
    let done = true;
    for (const c of this.#consumers) {
      if (this.#finished.has(c)) continue;
      const part = c.finishSome ? c.finishSome(maxDevices) : { out: c.finish?.() ?? [], done: true };
      if (part.out.length > 0) this.#sink.deviceOutputs?.(c.name, part.out);
      if (part.done) this.#finished.add(c);
      else done = false;
    }
    return done;
  }

  #emit(rows: PresenceRow[]): number {
    if (rows.length === 0) {
      this.#syncClosed();
      return 0;
    }
    for (const r of rows) {
      if (!this.#windowsClosedSeen.has(r.windowStart)) {
        this.#windowsClosedSeen.add(r.windowStart);
        this.stats.windowsClosed++;
      }
    }
    if (this.#windowsClosedSeen.size > 1024) this.#windowsClosedSeen = new Set([rows[rows.length - 1]!.windowStart]);
    this.stats.presenceRows += rows.length;
    this.#syncClosed();
    this.#sink.presence(rows);
    this.#onClosed?.(rows);
    return rows.length;
  }

  #syncClosed(): void {
    const c = this.#windows ? this.#closedMirror : this.#engine.closedUntil;
    this.stats.closedUntil = Number.isFinite(c) ? c : null;
  }

  /** Plain-data state, for checkpoints stored in the same transaction as results and offsets. */
  snapshot(): PipelineSnapshot {
    if (this.#windows) throw new Error('a pipeline with external windows has no window state to snapshot');
    const snap: PipelineSnapshot = { engine: this.#engine.snapshot(), watermarks: this.#watermarks.snapshot(), stats: structuredClone(this.stats) };
    if (this.#consumers.length > 0) snap.consumers = Object.fromEntries(this.#consumers.map((c) => [c.name, c.snapshot()]));
    return snap;
  }

  /**
   * Tracks what changes from here (call after a full {@link snapshot}), so that {@link snapshotDelta}
   * can describe the next state by its changes alone.
   */
  trackChanges(): void {
    if (this.#windows) throw new Error('a pipeline with external windows has no window state to snapshot');
    this.#engine.trackChanges();
  }

  /**
   * An incremental snapshot: what changed since the last {@link snapshot} (followed by
   * {@link trackChanges}) or delta — the devices with new events and those events
   * ({@link PresenceEngineDelta}), the watermarks and counters — or null when only a full snapshot can
   * describe the state: changes were not tracked, or a window's device pass ran since (device
   * consumers change only there, so a delta never needs their state).
   */
  snapshotDelta(): PipelineDelta | null {
    if (this.#windows) throw new Error('a pipeline with external windows has no window state to snapshot');
    const engine = this.#engine.snapshotDelta();
    if (engine === null) return null;
    return { kind: 'delta', engine, watermarks: this.#watermarks.snapshot(), stats: structuredClone(this.stats) };
  }

  /** Applies a {@link snapshotDelta} after the {@link restore}d snapshot and the deltas before it, in order. */
  applyDelta(d: PipelineDelta, now = 0): void {
    this.#engine.applyDelta(d.engine);
    this.#watermarks.restore(d.watermarks, now);
    this.stats = { ...emptyStats(), ...structuredClone(d.stats) };
  }

  /** Restores a {@link snapshot}. */
  restore(s: PipelineSnapshot, now = 0): void {
    this.#engine.restore(s.engine);
    this.#watermarks.restore(s.watermarks, now);
    // Counters added since a checkpoint was written (e.g. `strays`) start at 0.
    this.stats = { ...emptyStats(), ...structuredClone(s.stats) };
    for (const c of this.#consumers) {
      const state = s.consumers?.[c.name];
      if (state !== undefined) c.restore(state);
    }
  }
}

/** One consumer per plugin, named after the plugin; names must be unique (they key outputs and state). */
function createConsumers(plugins: readonly DeviceConsumerPlugin<unknown, never>[]): DeviceConsumer[] {
  const names = new Set<string>();
  return plugins.map((p) => {
    if (names.has(p.name)) throw new RangeError(`two device consumers are named '${p.name}'`);
    names.add(p.name);
    const c = p.create();
    if (c.name !== p.name) throw new RangeError(`device consumer plugin '${p.name}' made a consumer named '${c.name}'`);
    return c;
  });
}

function emptyStats(): PipelineStats {
  return {
    payloads: 0,
    records: 0,
    accepted: 0,
    acceptedByKind: {},
    late: 0,
    strays: 0,
    deadLetters: Object.fromEntries(DEAD_LETTER_REASONS.map((r) => [r, 0])) as Record<DeadLetterReason, number>,
    windowsClosed: 0,
    presenceRows: 0,
    closedUntil: null,
  };
}

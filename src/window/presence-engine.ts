import type { LocatedEvent } from '../../schemas/events.ts';
import type { DeviceEvent, DeviceWindow } from './device-window.ts';
import type { PresenceRow } from '../core/presence-row.ts';
import { checkWindowConfig, windowStart, type WindowConfig } from './window-config.ts';
import { EventPool } from './event-pool.ts';
import { IntStack } from '../core/int-stack.ts';
import { SlotIndex } from '../core/slot-index.ts';
import { NO_ID, StringIds } from '../core/string-ids.ts';
import { grown } from '../core/grown.ts';

/**
 * Every device's state, a slot each in flat arrays (no object per device: at a million devices an
 * object and a boxed time each cost ~100 bytes and a million things for the garbage collector to
 * mark): its last event before the open windows (it may still hold) and its open events. The open
 * events live in the engine's {@link EventPool} as a linked list (`head` … `tail`, `n` of them),
 * sorted by ts, arrival order among equal ts; an event holds its device unless it is a `detach`
 * (the phone is off).
 */
class DeviceSlots {
  /** Time of the last event before `closedUntil`, or -Infinity. */
  prevTs = new Float64Array(1024);
  /** [head, tail, n] per slot: first and last open event's pool slot (-1 when none), and how many. */
  links = new Int32Array(3 * 1024);
  /**
   * [prevH3, mcc] per slot as ids of {@link #strs} ({@link StringIds.store}): where the previous event
   * holds the device (none: no event yet, or a detach), and the device's MCC (a non-identifying
   * attribute of its events) when known.
   */
  #str = new Int32Array(2 * 1024);
  readonly #strs = new StringIds();
  /** The strings the full table could not take, by 2 * slot + field. */
  readonly #spilled = new Map<number, string>();
  #top = 0;
  readonly #free = new IntStack();

  /** A slot for a new device with no previous event and no open event (its id is in the engine's {@link SlotIndex}). */
  alloc(): number {
    let k = this.#free.pop();
    if (k < 0) {
      k = this.#top++;
      if (k === this.prevTs.length) this.#grow();
    }
    this.#str[2 * k] = this.#str[2 * k + 1] = NO_ID;
    this.prevTs[k] = -Infinity;
    this.links[3 * k] = this.links[3 * k + 1] = -1;
    this.links[3 * k + 2] = 0;
    return k;
  }

  free(k: number): void {
    this.#strs.store(this.#str, 2 * k, undefined, this.#spilled);
    this.#strs.store(this.#str, 2 * k + 1, undefined, this.#spilled);
    this.#free.push(k);
  }

  prevH3(k: number): string | null {
    return this.#strs.load(this.#str, 2 * k, this.#spilled) ?? null;
  }

  setPrevH3(k: number, h3: string | null): void {
    this.#strs.store(this.#str, 2 * k, h3 ?? undefined, this.#spilled);
  }

  mcc(k: number): string | undefined {
    return this.#strs.load(this.#str, 2 * k + 1, this.#spilled);
  }

  setMcc(k: number, mcc: string | undefined): void {
    this.#strs.store(this.#str, 2 * k + 1, mcc, this.#spilled);
  }

  clear(): void {
    this.prevTs = new Float64Array(1024);
    this.links = new Int32Array(3 * 1024);
    this.#str = new Int32Array(2 * 1024);
    this.#spilled.clear();
    this.#top = 0;
    this.#free.clear();
  }

  #grow(): void {
    this.prevTs = grown(this.prevTs, 2 * this.prevTs.length);
    this.links = grown(this.links, 2 * this.links.length);
    this.#str = grown(this.#str, 2 * this.#str.length);
  }
}

const DETACH = 'detach';

/**
 * Events a change log may hold before it is dropped (then the next snapshot is a full one): past
 * this and past the events held, a delta would be no smaller than the whole state.
 */
const MIN_LOG_EVENTS = 1 << 16;

/** Passes of a window close (see `PresenceEngine.#closeWindow`). */
const PRESENCE = 1;
const DEVICES = 2;
const BOTH = PRESENCE | DEVICES;

/** Counts of one H3 cell in the window being closed. */
interface Tally {
  present: number;
  active: number;
  events: number;
}

/** Scratch arrays of {@link PresenceEngine}'s window close (one window closes at a time). */
const scratch = { cells: [] as (string | null)[], dwell: [] as number[], lastEnd: [] as number[], seen: [] as (string | null)[] };

/** Serializable state of a {@link PresenceEngine}, for checkpoints stored with source offsets. */
export interface PresenceEngineSnapshot {
  closedUntil: number | null;
  minTs: number | null;
  /** The devices held, in columns (snapshots of this version). */
  held?: PresenceColumns;
  /**
   * The devices held, a row per device, in snapshots of earlier versions (still restored):
   * [device, prevTs|null, prevH3|null, pending as [ts, h3, holds, kind, at?][], mcc?] (kind, at and
   * mcc absent in the oldest).
   */
  devices?: [string, number | null, string | null, [number, string, boolean, string?, string?][], string?][];
  /**
   * Start of the closed window whose device pass is still to run (its events are still held);
   * absent when none, and in older snapshots.
   */
  devicePassPending?: number;
}

/**
 * The devices of a {@link PresenceEngineSnapshot} in columns: a few typed arrays and two string
 * arrays instead of an array per device and per event. At a few hundred thousand devices with ten
 * open events each, the row form allocated millions of small arrays on the JS heap at every snapshot
 * (raising the heap's high-water mark, which V8 keeps committed) and serialised each as its own
 * value; typed arrays are copied as they are.
 */
export interface PresenceColumns {
  /** Every distinct cell, kind, finer position and MCC; the `Int32Array`s below index it (-1: none). */
  strings: string[];
  device: string[];
  /** Time of the device's previous event; NaN when none. */
  prevTs: Float64Array;
  prevH3: Int32Array;
  mcc: Int32Array;
  /** Open events per device; the event columns hold each device's events in turn, in order. */
  pending: Uint32Array;
  ts: Float64Array;
  h3: Int32Array;
  kind: Int32Array;
  at: Int32Array;
}

/**
 * What changed in a {@link PresenceEngine} since its previous snapshot (full or delta), for incremental
 * checkpoints: the devices that received events, and those events in arrival order — nothing of the
 * devices that did not. Between two device passes a device's state only grows by the events it
 * receives (a device pass, which trims every device, makes the next snapshot a full one), so a full
 * snapshot and the deltas after it, applied in order with {@link PresenceEngine.applyDelta}, rebuild
 * the state exactly, the order of devices and of equal-time events included.
 */
export interface PresenceEngineDelta {
  kind: 'delta';
  closedUntil: number | null;
  minTs: number | null;
  devicePassPending?: number;
  /** Every distinct cell, kind, finer position and MCC; the `Int32Array`s below index it (-1: none). */
  strings: string[];
  /** The devices that changed, in the order of their first new event. */
  device: string[];
  /** Each changed device's MCC now (-1: none). */
  mcc: Int32Array;
  /** Per new event, in arrival order: its device (index into `device`), time, cell, kind and finer position. */
  ev: Uint32Array;
  ts: Float64Array;
  h3: Int32Array;
  evKind: Int32Array;
  at: Int32Array;
}

/** Codes of strings for the columns of a snapshot or delta: `code(v)` → index into `strings`, -1 for none. */
function stringCodes(): { strings: string[]; code: (v: string | null | undefined) => number } {
  const codes = new Map<string, number>();
  const strings: string[] = [];
  return {
    strings,
    code(v) {
      if (v === null || v === undefined) return -1;
      let c = codes.get(v);
      if (c === undefined) {
        c = strings.length;
        codes.set(v, c);
        strings.push(v);
      }
      return c;
    },
  };
}

/** Receives the {@link DeviceWindow}s of each window the engine closes, windows in order. */
export type DeviceWindowListener = (windowStart: number, windowEnd: number, devices: DeviceWindow[]) => void;

/**
 * Receives the {@link DeviceWindow}s of each window the engine closes one at a time, as they are
 * built (`open`, then `device` per device, then `close`; windows in order). Nothing keeps a device's
 * object once `device` returns, so a close at a million devices leaves only young garbage.
 */
export interface DeviceWindowSink {
  open(windowStart: number, windowEnd: number): void;
  device(d: DeviceWindow): void;
  close(): void;
}

/** Configuration of a {@link PresenceEngine}. */
export interface PresenceEngineConfig extends WindowConfig {
  /** Base H3 resolution of the cells (stored in the rows). */
  resolution: number;
  /**
   * Called once per closed window with every device the engine held in it (present somewhere or with
   * an event in it). Default none: then no {@link DeviceWindow} is ever built (no cost).
   */
  onDeviceWindows?: DeviceWindowListener;
  /** Device by device instead ({@link DeviceWindowSink}); takes precedence over {@link onDeviceWindows}. */
  deviceSink?: DeviceWindowSink;
  /**
   * Event time (ms) a closed window's device pass waits after its presence rows: 0 (default) closes
   * both in one pass. With a delay, {@link PresenceEngine.advance} returns a window's presence rows
   * (what alerts read) as soon as the watermark passes its end, and hands its devices to the sink
   * once the watermark passes its end + the delay, or before the next window closes, whichever is
   * first. Both points depend on the watermark alone, so a replay of the same input runs each pass at
   * the same input position as the original run did (what exactly-once restarts rely on).
   */
  devicePassDelayMs?: number;
}

/**
 * Event-time presence per (window, H3 cell), as pure logic over plain data.
 *
 * Semantics (README "Presence"): an event at cell L holds its device at L from `ts` until the device's
 * next event or `ts + presenceTimeout`, whichever is first; a `detach` holds nothing. A device's dwell
 * in a window is the overlap of its holds with the window; the device is `present` once, in the cell
 * where it dwelled longest (a tie goes to the cell whose hold ends latest in the window). `active`
 * counts distinct devices with an event in the cell during the window, `events` the events.
 *
 * The caller feeds events with {@link add} and moves event time forward with {@link advance}; windows
 * whose end is at or before the watermark close and come back as rows. An event for a closed window
 * is refused (`add` returns false) so the caller can record it as late.
 */
export class PresenceEngine {
  readonly #cfg: WindowConfig;
  readonly #res: number;
  /** Device → its slot in {@link #slots}. */
  readonly #devices = new SlotIndex();
  readonly #slots = new DeviceSlots();
  readonly #pool = new EventPool();
  readonly #onDevices: DeviceWindowSink | null;
  readonly #delay: number;
  #closedUntil = -Infinity;
  /** Start of the closed window whose device pass is still to run, or null (see `devicePassDelayMs`). */
  #pendingStart: number | null = null;
  #minTs = Infinity;
  /**
   * Changes since the last snapshot (see {@link trackChanges}): a device slot and the event's pool
   * slot per event added, in arrival order; null when changes are not tracked (then no delta).
   */
  #log: IntStack | null = null;

  constructor(config: PresenceEngineConfig) {
    this.#cfg = checkWindowConfig(config);
    this.#res = config.resolution;
    this.#onDevices = config.deviceSink ?? (config.onDeviceWindows ? collectInto(config.onDeviceWindows) : null);
    const delay = config.devicePassDelayMs ?? 0;
    if (!(delay >= 0)) throw new RangeError(`devicePassDelayMs must be ≥ 0, got ${delay}`);
    this.#delay = this.#onDevices ? delay : 0;
  }

  /** End of the last window whose devices went to the device sink (≤ {@link closedUntil}). */
  get devicesClosedUntil(): number {
    return this.#pendingStart ?? this.#closedUntil;
  }

  /** End of the last closed window: windows ending at or before it are final. -Infinity before any. */
  get closedUntil(): number {
    return this.#closedUntil;
  }

  /**
   * Gives back the memory of the device slots, events and index once nothing is held (their arrays
   * keep the size of the largest crowd otherwise: ~90 MB at a million devices). For the end of a
   * finite input, after the last window closed; the engine stays usable.
   */
  releaseMemory(): void {
    if (this.#devices.size > 0 || this.#pool.size > 0) return;
    this.#log = null;
    this.#devices.clear();
    this.#slots.clear();
    this.#pool.clear();
  }

  /** Devices held in memory (with open events or a hold that has not expired). */
  get deviceCount(): number {
    return this.#devices.size;
  }

  /** True when the event's window is already closed: it must go to `late_events`. */
  isLate(ts: number): boolean {
    return windowStart(ts, this.#cfg.windowMs) + this.#cfg.windowMs <= this.#closedUntil;
  }

  /** Adds an event. Returns false, and keeps nothing, when its window is already closed. */
  add(ev: LocatedEvent): boolean {
    if (this.isLate(ev.ts)) return false;
    const slot = this.#pool.alloc(ev.ts, ev.h3, ev.kind, ev.at);
    let k = this.#devices.get(ev.device);
    if (k === undefined) {
      k = this.#slots.alloc();
      this.#devices.set(ev.device, k);
    }
    this.#insert(k, slot);
    if (ev.mcc !== undefined) this.#slots.setMcc(k, ev.mcc);
    if (ev.ts < this.#minTs) this.#minTs = ev.ts;
    const log = this.#log;
    if (log !== null) {
      if (log.size >= 2 * MIN_LOG_EVENTS && log.size >= this.#pool.size) this.#log = null;
      else {
        log.push(k);
        log.push(slot);
      }
    }
    return true;
  }

  /** Links event `slot` after every open event of device slot `k` with ts ≤ its ts (arrival order among equal ts). */
  #insert(k: number, slot: number): void {
    const pool = this.#pool;
    const links = this.#slots.links;
    const t = pool.ts(slot);
    links[3 * k + 2]!++;
    const head = links[3 * k]!, tail = links[3 * k + 1]!;
    if (head < 0) {
      links[3 * k] = links[3 * k + 1] = slot;
    } else if (pool.ts(tail) <= t) {
      pool.setNext(tail, slot);
      links[3 * k + 1] = slot;
    } else if (pool.ts(head) > t) {
      pool.setNext(slot, head);
      links[3 * k] = slot;
    } else {
      // Out of order: after the last event with ts ≤ t (never the tail, whose ts is > t).
      let q = head;
      while (pool.ts(pool.next(q)) <= t) q = pool.next(q);
      pool.setNext(slot, pool.next(q));
      pool.setNext(q, slot);
    }
  }

  /**
   * Moves the watermark to `watermark` (event time, ms) and closes every window whose end is at or
   * before it. Returns the rows of the closed windows, in window then H3 order.
   */
  advance(watermark: number): PresenceRow[] {
    const size = this.#cfg.windowMs;
    const boundary = windowStart(watermark, size);
    if (this.#pendingStart !== null && (watermark >= this.#pendingStart + size + this.#delay || boundary > this.#closedUntil)) this.#runPendingDevicePass();
    if (!(boundary > this.#closedUntil)) return [];
    const rows: PresenceRow[] = [];
    let s = Number.isFinite(this.#closedUntil) ? this.#closedUntil : windowStart(this.#minTs, size);
    if (!Number.isFinite(s)) {
      // No event yet: nothing to close, but the frontier still moves so older events count as late.
      this.#closedUntil = boundary;
      return rows;
    }
    for (; s + size <= boundary; s += size) {
      if (this.#devices.size === 0) break;
      // The last window this call closes may leave its device pass for later; earlier ones may not
      // (a window's devices go to the sink before the next window's presence is computed).
      const defer = this.#delay > 0 && s + 2 * size > boundary && watermark < s + size + this.#delay;
      this.#closeWindow(s, s + size, rows, defer ? PRESENCE : BOTH);
      if (defer) this.#pendingStart = s;
    }
    this.#closedUntil = boundary;
    return rows;
  }

  /** Hands the deferred window's devices to the sink (and moves the devices past it). */
  #runPendingDevicePass(): void {
    const s = this.#pendingStart!;
    this.#pendingStart = null;
    this.#closeWindow(s, s + this.#cfg.windowMs, [], DEVICES);
  }

  /** End of input: closes every window that still holds anything. */
  flush(): PresenceRow[] {
    const rows: PresenceRow[] = [];
    while (this.flushOne(rows));
    return rows;
  }

  /**
   * {@link flush} one window at a time, so a caller can store each window's outputs before the next
   * is built: closes the next window that still holds anything, its rows into `out`; false (nothing
   * closed) once no device is held.
   */
  flushOne(out: PresenceRow[]): boolean {
    if (this.#pendingStart !== null) this.#runPendingDevicePass();
    const size = this.#cfg.windowMs;
    const s = Number.isFinite(this.#closedUntil) ? this.#closedUntil : windowStart(this.#minTs, size);
    if (this.#devices.size === 0) {
      if (Number.isFinite(s)) this.#closedUntil = Math.max(this.#closedUntil, s);
      return false;
    }
    this.#closeWindow(s, s + size, out, BOTH);
    this.#closedUntil = Math.max(this.#closedUntil, s + size);
    return true;
  }

  /**
   * Closes window [s, e): with {@link PRESENCE} it only tallies presence rows into `out` and changes
   * nothing; with {@link DEVICES} it hands each device to the sink and moves its state past the
   * window (freeing the window's events, forgetting devices that no longer hold); {@link BOTH} does
   * both in one pass.
   */
  #closeWindow(s: number, e: number, out: PresenceRow[], mode: number): void {
    const tally = (mode & PRESENCE) !== 0;
    const mutate = (mode & DEVICES) !== 0;
    const T = this.#cfg.presenceTimeoutMs;
    const acc = new Map<string, Tally>();
    const bucket = (h3: string): Tally => {
      let a = acc.get(h3);
      if (!a) acc.set(h3, (a = { present: 0, active: 0, events: 0 }));
      return a;
    };
    // Per-device scratch, reused across devices (a device touches few cells per window): the cells
    // its holds overlap the window in, in first-hold order, with total dwell and latest clipped end.
    const cells = scratch.cells;
    const dwell = scratch.dwell;
    const lastEnd = scratch.lastEnd;
    const seen = scratch.seen;
    const sink = mutate ? this.#onDevices : null;
    const collect = sink !== null;
    // A device pass trims every device: what changed is no longer a list of new events.
    if (mutate) this.#log = null;
    if (collect) sink.open(s, e);

    const pool = this.#pool;
    const slots = this.#slots;
    const links = slots.links;
    for (const [device, d] of this.#devices) {
      const head = links[3 * d]!;
      const n = links[3 * d + 2]!;
      const prevTs = slots.prevTs[d]!;
      const prevH3 = slots.prevH3(d);
      // The open events in this window: the first k of the list; `after` is the first one past it.
      let k = 0;
      let after = head;
      while (after >= 0 && pool.ts(after) < e) {
        after = pool.next(after);
        k++;
      }

      if (k === 0) {
        // Fast path: only the previous event's hold can reach into this window.
        if (prevH3 !== null) {
          const holdEnd = Math.min(prevTs + T, head >= 0 ? pool.ts(head) : Infinity);
          const ov = Math.min(holdEnd, e) - Math.max(prevTs, s);
          if (ov > 0) {
            if (tally) bucket(prevH3).present++;
            if (collect) sink.device({ device, windowStart: s, windowEnd: e, dominant: prevH3, dwell: [[prevH3, ov]], events: [] });
          }
        }
        if (mutate && n === 0 && (prevH3 === null || prevTs + T <= e)) this.#forget(device, d);
        continue;
      }

      let nCells = 0;
      let nSeen = 0;
      // A hold of `h3` from `start` until `next` (or the timeout): add its overlap with the window.
      let q = head;
      for (let i = -1; i < k; i++) {
        let start: number, h3: string | null, next: number;
        if (i < 0) {
          start = prevTs;
          h3 = prevH3;
          next = pool.ts(head);
        } else {
          const cell = pool.h3(q);
          start = pool.ts(q);
          h3 = pool.kind(q) === DETACH ? null : cell;
          const nq = pool.next(q);
          next = nq >= 0 ? pool.ts(nq) : Infinity;
          q = nq;
          if (tally) {
            const b = bucket(cell);
            b.events++;
            let j = 0;
            while (j < nSeen && seen[j] !== cell) j++;
            if (j === nSeen) {
              seen[nSeen++] = cell;
              b.active++;
            }
          }
        }
        if (h3 === null) continue;
        const end = Math.min(start + T, next);
        const clipped = Math.min(end, e);
        const ov = clipped - Math.max(start, s);
        if (ov <= 0) continue;
        let j = 0;
        while (j < nCells && cells[j] !== h3) j++;
        if (j === nCells) {
          cells[nCells++] = h3;
          dwell[j] = ov;
          lastEnd[j] = clipped;
        } else {
          dwell[j]! += ov;
          if (clipped > lastEnd[j]!) lastEnd[j] = clipped;
        }
      }
      let best = -1;
      let bestDwell = 0;
      let bestEnd = -Infinity;
      for (let j = 0; j < nCells; j++) {
        const d = dwell[j]!;
        if (d > bestDwell || (d === bestDwell && lastEnd[j]! > bestEnd)) {
          best = j;
          bestDwell = d;
          bestEnd = lastEnd[j]!;
        }
      }
      if (tally && best >= 0) bucket(cells[best]!).present++;
      if (collect) sink.device(deviceWindow(device, s, e, best >= 0 ? cells[best]! : null, nCells, pool, head, k, slots.mcc(d)));
      cells.fill(null, 0, nCells);
      seen.fill(null, 0, nSeen);
      if (!mutate) continue;

      // The window's events leave the list; the last of them is the device's previous event now.
      let last = -1;
      for (let i = 0, r = head; i < k; i++) {
        const nr = pool.next(r);
        if (i === k - 1) last = r;
        else pool.free(r);
        r = nr;
      }
      const lastTs = pool.ts(last);
      const lastH3 = pool.kind(last) === DETACH ? null : pool.h3(last);
      slots.prevTs[d] = lastTs;
      slots.setPrevH3(d, lastH3);
      pool.free(last);
      links[3 * d] = after;
      links[3 * d + 2] = n - k;
      if (n - k === 0) links[3 * d + 1] = -1;
      if (n - k === 0 && (lastH3 === null || lastTs + T <= e)) this.#forget(device, d);
    }

    if (collect) sink.close();
    const keys = [...acc.keys()].sort();
    for (const h3 of keys) {
      const a = acc.get(h3)!;
      out.push({ windowStart: s, windowEnd: e, h3, res: this.#res, present: a.present, active: a.active, events: a.events });
    }
  }

  /** A restored device's slot, with its previous event and MCC (no open event yet). */
  #restoreDevice(device: string, prevTs: number, prevH3: string | null, mcc: string | undefined): number {
    const k = this.#slots.alloc();
    this.#slots.prevTs[k] = prevTs;
    this.#slots.setPrevH3(k, prevH3);
    this.#slots.setMcc(k, mcc);
    this.#devices.set(device, k);
    return k;
  }

  /** Drops a device that holds nothing any more. */
  #forget(device: string, d: number): void {
    this.#devices.delete(device);
    this.#slots.free(d);
  }

  /** A plain-data copy of the state, for checkpoints (the devices in columns, {@link PresenceColumns}). */
  snapshot(): PresenceEngineSnapshot {
    const pool = this.#pool;
    const nDev = this.#devices.size;
    const slots = this.#slots;
    const links = slots.links;
    let nEv = 0;
    for (const d of this.#devices.values()) nEv += links[3 * d + 2]!;
    const { strings, code } = stringCodes();
    const held: PresenceColumns = {
      strings,
      device: new Array<string>(nDev),
      prevTs: new Float64Array(nDev),
      prevH3: new Int32Array(nDev),
      mcc: new Int32Array(nDev),
      pending: new Uint32Array(nDev),
      ts: new Float64Array(nEv),
      h3: new Int32Array(nEv),
      kind: new Int32Array(nEv),
      at: new Int32Array(nEv),
    };
    let i = 0;
    let j = 0;
    for (const [device, d] of this.#devices) {
      held.device[i] = device;
      const prevTs = slots.prevTs[d]!;
      held.prevTs[i] = Number.isFinite(prevTs) ? prevTs : NaN;
      held.prevH3[i] = code(slots.prevH3(d));
      held.mcc[i] = code(slots.mcc(d));
      let k = 0;
      for (let q = links[3 * d]!; q >= 0; q = pool.next(q), k++, j++) {
        held.ts[j] = pool.ts(q);
        held.h3[j] = code(pool.h3(q));
        held.kind[j] = code(pool.kind(q));
        held.at[j] = code(pool.at(q));
      }
      held.pending[i++] = k;
    }
    const snap: PresenceEngineSnapshot = {
      closedUntil: Number.isFinite(this.#closedUntil) ? this.#closedUntil : null,
      minTs: Number.isFinite(this.#minTs) ? this.#minTs : null,
      held,
    };
    if (this.#pendingStart !== null) snap.devicePassPending = this.#pendingStart;
    return snap;
  }

  /**
   * Starts tracking changes (after a full {@link snapshot}): the next {@link snapshotDelta} holds what
   * changed from here. Until a device pass, a restore, or more new events than the engine held.
   */
  trackChanges(): void {
    this.#log = new IntStack(1024);
  }

  /**
   * What changed since the last {@link trackChanges} or delta ({@link PresenceEngineDelta}), and
   * tracking starts again from here; null when changes were not tracked all along (a device pass ran,
   * or too many events came): then only a full {@link snapshot} describes the state.
   */
  snapshotDelta(): PresenceEngineDelta | null {
    const log = this.#log;
    if (log === null) return null;
    const pool = this.#pool;
    const n = log.size >> 1;
    const { strings, code } = stringCodes();
    const index = new Map<number, number>();
    const device: string[] = [];
    const slotOf: number[] = [];
    const ev = new Uint32Array(n);
    const ts = new Float64Array(n);
    const h3 = new Int32Array(n);
    const evKind = new Int32Array(n);
    const at = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = log.at(2 * i);
      const q = log.at(2 * i + 1);
      let x = index.get(k);
      if (x === undefined) {
        x = device.length;
        index.set(k, x);
        device.push(this.#devices.keyAt(k)!);
        slotOf.push(k);
      }
      ev[i] = x;
      ts[i] = pool.ts(q);
      h3[i] = code(pool.h3(q));
      evKind[i] = code(pool.kind(q));
      at[i] = code(pool.at(q));
    }
    const mcc = Int32Array.from(slotOf, (k) => code(this.#slots.mcc(k)));
    this.#log = new IntStack(Math.max(1024, log.size));
    const delta: PresenceEngineDelta = {
      kind: 'delta',
      closedUntil: Number.isFinite(this.#closedUntil) ? this.#closedUntil : null,
      minTs: Number.isFinite(this.#minTs) ? this.#minTs : null,
      strings, device, mcc, ev, ts, h3, evKind, at,
    };
    if (this.#pendingStart !== null) delta.devicePassPending = this.#pendingStart;
    return delta;
  }

  /**
   * Applies a {@link snapshotDelta} to the state it was taken after (a {@link restore}d snapshot and
   * the deltas before it, in order). Changes are not tracked afterwards.
   */
  applyDelta(d: PresenceEngineDelta): void {
    const str = (c: number): string | undefined => (c < 0 ? undefined : d.strings[c]);
    const slot = new Int32Array(d.device.length);
    for (let i = 0; i < d.device.length; i++) {
      let k = this.#devices.get(d.device[i]!);
      if (k === undefined) {
        k = this.#slots.alloc();
        this.#devices.set(d.device[i]!, k);
      }
      slot[i] = k;
    }
    for (let j = 0; j < d.ev.length; j++) {
      this.#insert(slot[d.ev[j]!]!, this.#pool.alloc(d.ts[j]!, d.strings[d.h3[j]!]!, d.strings[d.evKind[j]!]!, str(d.at[j]!)));
    }
    for (let i = 0; i < d.device.length; i++) {
      const m = str(d.mcc[i]!);
      if (m !== undefined) this.#slots.setMcc(slot[i]!, m);
    }
    this.#closedUntil = d.closedUntil ?? -Infinity;
    this.#minTs = d.minTs ?? Infinity;
    this.#pendingStart = d.devicePassPending ?? null;
    this.#log = null;
  }

  /** Replaces the state with a {@link snapshot} (of this version, or rows of an earlier one). */
  restore(snap: PresenceEngineSnapshot): void {
    this.#log = null;
    this.#devices.clear();
    this.#slots.clear();
    this.#pool.clear();
    this.#closedUntil = snap.closedUntil ?? -Infinity;
    this.#pendingStart = snap.devicePassPending ?? null;
    this.#minTs = snap.minTs ?? Infinity;
    if (snap.held) {
      const h = snap.held;
      const str = (c: number): string | undefined => (c < 0 ? undefined : h.strings[c]);
      for (let i = 0, j = 0; i < h.device.length; i++) {
        const prevTs = h.prevTs[i]!;
        const k = this.#restoreDevice(h.device[i]!, Number.isFinite(prevTs) ? prevTs : -Infinity, str(h.prevH3[i]!) ?? null, str(h.mcc[i]!));
        for (const end = j + h.pending[i]!; j < end; j++) this.#insert(k, this.#pool.alloc(h.ts[j]!, h.strings[h.h3[j]!]!, h.strings[h.kind[j]!]!, str(h.at[j]!)));
      }
      return;
    }
    for (const [d, prevTs, prevH3, pending, mcc] of snap.devices ?? []) {
      const k = this.#restoreDevice(d, prevTs ?? -Infinity, prevH3, mcc);
      for (const [ts, h3, holds, kind, at] of pending) this.#insert(k, this.#pool.alloc(ts, h3, kind ?? (holds ? 'unknown' : DETACH), at));
    }
  }
}

/** A {@link DeviceWindowSink} that hands each window's devices to `listener` as one array. */
function collectInto(listener: DeviceWindowListener): DeviceWindowSink {
  let devices: DeviceWindow[] = [];
  let s = 0;
  let e = 0;
  return {
    open(windowStart, windowEnd) {
      s = windowStart;
      e = windowEnd;
      devices = [];
    },
    device: (d) => void devices.push(d),
    close: () => listener(s, e, devices),
  };
}

/** The {@link DeviceWindow} of a device from the close scratch (cells/dwell of its holds, its first `k` events from `head`). */
function deviceWindow(device: string, s: number, e: number, dominant: string | null, nCells: number, pool: EventPool, head: number, k: number, mcc: string | undefined): DeviceWindow {
  const dwell: [string, number][] = [];
  for (let j = 0; j < nCells; j++) dwell.push([scratch.cells[j]!, scratch.dwell[j]!]);
  const events: DeviceEvent[] = [];
  for (let i = 0, q = head; i < k; i++, q = pool.next(q)) {
    const a = pool.at(q);
    events.push(a === undefined ? { ts: pool.ts(q), h3: pool.h3(q), kind: pool.kind(q) } : { ts: pool.ts(q), h3: pool.h3(q), kind: pool.kind(q), at: a });
  }
  return mcc === undefined ? { device, windowStart: s, windowEnd: e, dominant, dwell, events } : { device, windowStart: s, windowEnd: e, dominant, dwell, events, mcc };
}

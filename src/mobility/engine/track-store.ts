import type { Candidate, Centre, DeviceTrackState, PreviousStay, TrackSettings } from './device-track.ts';
import type { TrackPoint } from './track-point.ts';

/*
 * Field layout of one device's slot. Numbers in one Float64Array (stride F) and one Int32Array (stride
 * I); the place strings (shared H3 references) in one array (stride R); the rare or variable parts —
 * the cell centre's dwell per sector and a pending excursion — in sparse arrays by slot.
 */
const F_LAST_SEEN = 0;
const F_START = 1;
const F_C_LAST_TS = 2;
/** Centre fields from its base: lastTs, lastLat, lastLng, wSum, latSum, lngSum. */
const F_CELL = 3;
const F_GPS = 9;
const F_PLACE_LAT = 15;
const F_PLACE_LNG = 16;
const F_PREV_LAT = 17;
const F_PREV_LNG = 18;
const F_PREV_LAST_TS = 19;
/** NaN when the departure is not seen yet (null). */
const F_PREV_DEPART = 20;
const F = 21;

const I_FLAGS = 0;
const I_OUT_OF_ORDER = 1;
const I_EVENTS = 2;
const I_OSC = 3;
const I_CELL_N = 4;
const I_GPS_N = 5;
const I = 6;

const HAS_CAND = 1;
const HAS_PLACE = 2;
const HAS_PREV = 4;
const PREV_GPS = 8;

const R_LAST_H3 = 0;
const R_CELL_KEY = 1;
const R_PLACE_H3 = 2;
const R_PREV_H3 = 3;
const R = 4;

/**
 * The trajectory states of every device, a slot each in flat typed arrays — about 250 bytes a
 * device, where the same state as objects ({@link DeviceTrackState}: a candidate, two centres, a
 * dwell record, the previous stay; ~20 boxed numbers) took about 1 KB and seven objects for the
 * garbage collector to mark at every full collection. The trajectory code itself works on
 * {@link DeviceTrackState} objects: {@link get} builds one for a device about to change (young,
 * short-lived garbage) and {@link set} stores it back. The checks run on every device at every
 * window end ({@link needsAdvance}, {@link isIdle}) read the slots directly.
 *
 * Iteration follows first insertion (a `Map`'s order), as the object map it replaces did, so
 * outputs come in the same order.
 */
export class TrackStore {
  readonly #slot = new Map<string, number>();
  #f = new Float64Array(F * 1024);
  #i = new Int32Array(I * 1024);
  readonly #r: (string | undefined)[] = [];
  /** Cell centre's closed dwell per place key, flat [key, ms, key, ms, …], by slot. */
  readonly #dwell: (unknown[] | undefined)[] = [];
  /** Pending excursion points, by slot. */
  readonly #exc: (TrackPoint[] | undefined)[] = [];
  #free: number[] = [];
  #top = 0;

  get size(): number {
    return this.#slot.size;
  }

  /** Devices in first-insertion order. */
  devices(): IterableIterator<string> {
    return this.#slot.keys();
  }

  has(device: string): boolean {
    return this.#slot.has(device);
  }

  /** The device's state as objects (a fresh copy: changes reach the store through {@link set}), or undefined. */
  get(device: string): DeviceTrackState | undefined {
    const k = this.#slot.get(device);
    return k === undefined ? undefined : this.#unpack(device, k);
  }

  /** Stores a device's state (a new device goes last in the iteration order). */
  set(s: DeviceTrackState): void {
    let k = this.#slot.get(s.device);
    if (k === undefined) {
      k = this.#alloc();
      this.#slot.set(s.device, k);
    }
    this.#pack(s, k);
  }

  delete(device: string): void {
    const k = this.#slot.get(device);
    if (k === undefined) return;
    this.#slot.delete(device);
    this.#dwell[k] = undefined;
    this.#exc[k] = undefined;
    this.#r.fill(undefined, R * k, R * k + R);
    this.#free.push(k);
  }

  clear(): void {
    this.#slot.clear();
    this.#f = new Float64Array(F * 1024);
    this.#i = new Int32Array(I * 1024);
    this.#r.length = 0;
    this.#dwell.length = 0;
    this.#exc.length = 0;
    this.#free = [];
    this.#top = 0;
  }

  /**
   * False when `advanceTrack(state, now)` would change nothing (no pending excursion, and the
   * candidate, if any, not silent for longer than the bridged gap): its two conditions, read from the slot.
   */
  needsAdvance(device: string, now: number, cfg: TrackSettings): boolean {
    const k = this.#slot.get(device)!;
    if (this.#exc[k] !== undefined) return true;
    return (this.#i[I * k + I_FLAGS]! & HAS_CAND) !== 0 && now - this.#f[F * k + F_C_LAST_TS]! > cfg.maxGapMs;
  }

  /** `isIdle(state, now)` read from the slot: nothing a later event or trip could still need. */
  isIdle(device: string, now: number, cfg: TrackSettings): boolean {
    const k = this.#slot.get(device)!;
    const flags = this.#i[I * k + I_FLAGS]!;
    if ((flags & HAS_CAND) !== 0 || this.#exc[k] !== undefined) return false;
    if ((flags & HAS_PREV) === 0) return true;
    const depart = this.#f[F * k + F_PREV_DEPART]!;
    return !Number.isNaN(depart) && now - depart > cfg.maxTripMs;
  }

  /** Plain-data columns of every device, in iteration order, for checkpoints. */
  snapshot(): TrackColumns {
    const n = this.#slot.size;
    const cols: TrackColumns = {
      device: new Array<string>(n),
      f: new Float64Array(F * n),
      i: new Int32Array(I * n),
      r: new Array<string | null>(R * n),
      dwellN: new Uint32Array(n),
      dwell: [],
      exc: [],
    };
    let j = 0;
    for (const [device, k] of this.#slot) {
      cols.device[j] = device;
      cols.f.set(this.#f.subarray(F * k, F * k + F), F * j);
      cols.i.set(this.#i.subarray(I * k, I * k + I), I * j);
      for (let x = 0; x < R; x++) cols.r[R * j + x] = this.#r[R * k + x] ?? null;
      const d = this.#dwell[k];
      if (d) {
        cols.dwellN[j] = d.length / 2;
        for (const v of d) cols.dwell.push(v as string | number);
      }
      const e = this.#exc[k];
      if (e) cols.exc.push([j, e]);
      j++;
    }
    return cols;
  }

  /** Replaces the contents with a {@link snapshot}. */
  restore(cols: TrackColumns): void {
    this.clear();
    const n = cols.device.length;
    this.#grow(n);
    let d = 0;
    for (let j = 0; j < n; j++) {
      const k = this.#alloc();
      this.#slot.set(cols.device[j]!, k);
      this.#f.set(cols.f.subarray(F * j, F * j + F), F * k);
      this.#i.set(cols.i.subarray(I * j, I * j + I), I * k);
      for (let x = 0; x < R; x++) this.#r[R * k + x] = cols.r[R * j + x] ?? undefined;
      const m = cols.dwellN[j]!;
      if (m > 0) this.#dwell[k] = cols.dwell.slice(d, (d += 2 * m)); // slice: exactly sized
    }
    // After clear() slots are handed out in order from 0: device j is in slot j.
    for (const [j, e] of cols.exc) this.#exc[j] = e;
  }

  #alloc(): number {
    const k = this.#free.pop();
    if (k !== undefined) return k;
    this.#grow(this.#top + 1);
    const slot = this.#top++;
    for (let x = 0; x < R; x++) this.#r.push(undefined);
    this.#dwell.push(undefined);
    this.#exc.push(undefined);
    return slot;
  }

  /** Room for `slots` slots (capacity doubles). */
  #grow(slots: number): void {
    if (F * slots <= this.#f.length) return;
    let cap = this.#f.length / F;
    while (cap < slots) cap *= 2;
    const f = new Float64Array(F * cap);
    f.set(this.#f);
    this.#f = f;
    const i = new Int32Array(I * cap);
    i.set(this.#i);
    this.#i = i;
  }

  #pack(s: DeviceTrackState, k: number): void {
    const f = this.#f, i = this.#i, r = this.#r;
    const fb = F * k, ib = I * k, rb = R * k;
    let flags = 0;
    f[fb + F_LAST_SEEN] = s.lastSeen;
    i[ib + I_OUT_OF_ORDER] = s.outOfOrder;
    const c = s.cand;
    this.#dwell[k] = undefined;
    if (c) {
      flags |= HAS_CAND;
      f[fb + F_START] = c.start;
      f[fb + F_C_LAST_TS] = c.lastTs;
      r[rb + R_LAST_H3] = c.lastH3;
      i[ib + I_EVENTS] = c.events;
      i[ib + I_OSC] = c.oscillations;
      packCentre(c.cell, f, fb + F_CELL);
      packCentre(c.gps, f, fb + F_GPS);
      i[ib + I_CELL_N] = c.cell.n;
      i[ib + I_GPS_N] = c.gps.n;
      r[rb + R_CELL_KEY] = c.cell.lastKey;
      if (c.cell.dwell) {
        // Sized once: an array grown by push keeps room for ~40 values (168 bytes where 2–8 are used).
        const keys = Object.keys(c.cell.dwell);
        if (keys.length > 0) {
          const flat = new Array<unknown>(2 * keys.length);
          for (let x = 0; x < keys.length; x++) {
            flat[2 * x] = keys[x];
            flat[2 * x + 1] = c.cell.dwell[keys[x]!];
          }
          this.#dwell[k] = flat;
        }
      }
      if (c.place) {
        flags |= HAS_PLACE;
        f[fb + F_PLACE_LAT] = c.place.lat;
        f[fb + F_PLACE_LNG] = c.place.lng;
        r[rb + R_PLACE_H3] = c.place.h3;
      } else {
        r[rb + R_PLACE_H3] = undefined;
      }
    } else {
      r[rb + R_LAST_H3] = r[rb + R_CELL_KEY] = r[rb + R_PLACE_H3] = undefined;
    }
    const p = s.prev;
    if (p) {
      flags |= HAS_PREV;
      if (p.hasGps) flags |= PREV_GPS;
      f[fb + F_PREV_LAT] = p.lat;
      f[fb + F_PREV_LNG] = p.lng;
      f[fb + F_PREV_LAST_TS] = p.lastTs;
      f[fb + F_PREV_DEPART] = p.departTs ?? NaN;
      r[rb + R_PREV_H3] = p.h3;
    } else {
      r[rb + R_PREV_H3] = undefined;
    }
    i[ib + I_FLAGS] = flags;
    this.#exc[k] = s.exc.length > 0 ? s.exc : undefined;
  }

  #unpack(device: string, k: number): DeviceTrackState {
    const f = this.#f, i = this.#i, r = this.#r;
    const fb = F * k, ib = I * k, rb = R * k;
    const flags = i[ib + I_FLAGS]!;
    let cand: Candidate | null = null;
    if (flags & HAS_CAND) {
      const cell = unpackCentre(f, fb + F_CELL, i[ib + I_CELL_N]!);
      cell.lastKey = r[rb + R_CELL_KEY];
      const flat = this.#dwell[k];
      if (flat) {
        const dwell: Record<string, number> = {};
        for (let x = 0; x < flat.length; x += 2) dwell[flat[x] as string] = flat[x + 1] as number;
        cell.dwell = dwell;
      }
      cand = {
        start: f[fb + F_START]!,
        lastTs: f[fb + F_C_LAST_TS]!,
        lastH3: r[rb + R_LAST_H3]!,
        cell,
        gps: unpackCentre(f, fb + F_GPS, i[ib + I_GPS_N]!),
        events: i[ib + I_EVENTS]!,
        oscillations: i[ib + I_OSC]!,
        place: flags & HAS_PLACE ? { h3: r[rb + R_PLACE_H3]!, lat: f[fb + F_PLACE_LAT]!, lng: f[fb + F_PLACE_LNG]! } : null,
      };
    }
    let prev: PreviousStay | null = null;
    if (flags & HAS_PREV) {
      const depart = f[fb + F_PREV_DEPART]!;
      prev = {
        h3: r[rb + R_PREV_H3]!,
        lat: f[fb + F_PREV_LAT]!,
        lng: f[fb + F_PREV_LNG]!,
        lastTs: f[fb + F_PREV_LAST_TS]!,
        departTs: Number.isNaN(depart) ? null : depart,
        hasGps: (flags & PREV_GPS) !== 0,
      };
    }
    return { device, cand, exc: this.#exc[k]?.slice() ?? [], prev, lastSeen: f[fb + F_LAST_SEEN]!, outOfOrder: i[ib + I_OUT_OF_ORDER]! };
  }
}

/**
 * {@link TrackStore} contents in columns (checkpoints): per device, {@link F} numbers, {@link I}
 * integers, {@link R} place strings (null: none) and `dwellN` [key, ms] pairs of the flat `dwell`;
 * `exc` lists the pending excursions by device index.
 */
export interface TrackColumns {
  device: string[];
  f: Float64Array;
  i: Int32Array;
  r: (string | null)[];
  dwellN: Uint32Array;
  dwell: (string | number)[];
  exc: [index: number, points: TrackPoint[]][];
}

function packCentre(c: Centre, f: Float64Array, b: number): void {
  f[b] = c.lastTs;
  f[b + 1] = c.lastLat;
  f[b + 2] = c.lastLng;
  f[b + 3] = c.wSum;
  f[b + 4] = c.latSum;
  f[b + 5] = c.lngSum;
}

function unpackCentre(f: Float64Array, b: number, n: number): Centre {
  return { n, lastTs: f[b]!, lastLat: f[b + 1]!, lastLng: f[b + 2]!, wSum: f[b + 3]!, latSum: f[b + 4]!, lngSum: f[b + 5]!, lastKey: undefined, dwell: undefined };
}

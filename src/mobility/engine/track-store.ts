import type { Candidate, Centre, DeviceTrackState, PreviousStay, TrackSettings } from './device-track.ts';
import type { TrackPoint } from './track-point.ts';
import { IntStack } from '../../core/int-stack.ts';
import { SlotIndex } from '../../core/slot-index.ts';
import { NO_ID, StringIds } from '../../core/string-ids.ts';

/*
 * Field layout of one device's slot. Numbers in one Float64Array (stride F) and one Int32Array (stride
 * I); the place strings (H3 cells, a sector's position) as ids into the store's string table among
 * the integers; the cell centre's dwell per place key inline for its first {@link DWELL_INLINE} keys
 * (key as an id too). The GPS centre (most phones send no fixes) is in a slab of its own, by index; the rare
 * parts live in maps by slot: the dwell entries past the inline ones and a pending excursion.
 */
const F_LAST_SEEN = 0;
const F_START = 1;
const F_C_LAST_TS = 2;
/** Centre fields from its base: lastTs, lastLat, lastLng, wSum, latSum, lngSum. */
const F_CELL = 3;
const CENTRE = 6;
const F_PLACE_LAT = 9;
const F_PLACE_LNG = 10;
const F_PREV_LAT = 11;
const F_PREV_LNG = 12;
const F_PREV_LAST_TS = 13;
/** NaN when the departure is not seen yet (null). */
const F_PREV_DEPART = 14;
/** Closed dwell (ms) of the inline place keys. */
const F_DWELL = 15;
const F = F_DWELL + 2;

/** Where the GPS centre sits among a device's numbers in {@link TrackColumns} (between the cell centre and the place). */
const COL_GPS = F_CELL + CENTRE;

const I_FLAGS = 0;
const I_OUT_OF_ORDER = 1;
const I_EVENTS = 2;
const I_OSC = 3;
const I_CELL_N = 4;
const I_GPS_N = 5;
/** Key-table index of the inline place keys (-1: none). */
const I_DWELL_KEY = 6;
/** The device's GPS centre in the store's {@link CentreSlab}, plus one (0: none). */
const I_GPS = I_DWELL_KEY + 2;
/** The R place strings, as {@link StringIds.store} writes them (spilled ones by R * slot + field). */
const I_R = I_GPS + 1;
const I = I_R + 4;

/** Dwell entries kept inline in the slot; a cell centre rarely has more (the spill goes to an array). */
const DWELL_INLINE = 2;

const HAS_CAND = 1;
const HAS_PLACE = 2;
const HAS_PREV = 4;
const PREV_GPS = 8;
const HAS_EXC = 16;

const R_LAST_H3 = 0;
const R_CELL_KEY = 1;
const R_PLACE_H3 = 2;
const R_PREV_H3 = 3;
const R = 4;

/**
 * Slots per chunk of the typed arrays. The store grows a chunk at a time: no copy of every slot into
 * arrays twice the size (at a million devices a 200 MB copy beside the 100 MB it replaces, and up to
 * half of it never used).
 */
const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/**
 * The trajectory states of every device, a slot each in flat typed arrays — 188 bytes a device
 * (and 48 for a GPS centre), nothing on the JS heap but the device's id, where the same state as objects ({@link DeviceTrackState}: a candidate, two centres, a
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
  readonly #slot = new SlotIndex();
  /** Numbers and integers of the slots, {@link CHUNK} slots per array. */
  #f: Float64Array[] = [];
  #i: Int32Array[] = [];
  /**
   * The place strings of the slots and the keys of the inline dwell entries: H3 cells of events and
   * stays, and a cell centre's keys (the serving sectors' and omni cells' positions, a set bounded by
   * the cell table; fixes keep no dwell).
   */
  #strs: StringIds;
  readonly #maxStrings: number | undefined;
  /** Place strings the full string table could not take, by R * slot + field. */
  readonly #spilled = new Map<number, string>();
  /** Dwell entries past the inline ones, flat [key, ms, key, ms, …], by slot (rare: a map, not a slot each). */
  readonly #dwell = new Map<number, unknown[]>();
  /** GPS centres of the devices whose candidate has one (see {@link CENTRE}, {@link I_GPS}). */
  #gps = new CentreSlab();
  /** Pending excursion points, by slot (flag {@link HAS_EXC}; a few devices at a time). */
  readonly #exc = new Map<number, TrackPoint[]>();
  #free = new IntStack();
  #top = 0;

  /** `maxStrings`: bound of the string table (default {@link StringIds}'); past it strings go to a map. */
  constructor({ maxStrings }: { maxStrings?: number } = {}) {
    this.#maxStrings = maxStrings;
    this.#strs = new StringIds(maxStrings);
  }

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
    this.#dwell.delete(k);
    this.#releaseGps(this.#i[k >>> CHUNK_BITS]!, I * (k & CHUNK_MASK));
    this.#exc.delete(k);
    const i = this.#i[k >>> CHUNK_BITS]!, ib = I * (k & CHUNK_MASK);
    for (let x = 0; x < R; x++) this.#setStr(i, ib, k, x, undefined);
    this.#free.push(k);
  }

  clear(): void {
    this.#slot.clear();
    this.#f = [];
    this.#i = [];
    this.#strs = new StringIds(this.#maxStrings);
    this.#spilled.clear();
    this.#dwell.clear();
    this.#gps = new CentreSlab();
    this.#exc.clear();
    this.#free.clear();
    this.#top = 0;
  }

  /**
   * False when `advanceTrack(state, now)` would change nothing (no pending excursion, and the
   * candidate, if any, not silent for longer than the bridged gap): its two conditions, read from the slot.
   */
  needsAdvance(device: string, now: number, cfg: TrackSettings): boolean {
    const k = this.#slot.get(device)!;
    const o = k & CHUNK_MASK;
    const flags = this.#i[k >>> CHUNK_BITS]![I * o + I_FLAGS]!;
    if ((flags & HAS_EXC) !== 0) return true;
    return (flags & HAS_CAND) !== 0 && now - this.#f[k >>> CHUNK_BITS]![F * o + F_C_LAST_TS]! > cfg.maxGapMs;
  }

  /** `isIdle(state, now)` read from the slot: nothing a later event or trip could still need. */
  isIdle(device: string, now: number, cfg: TrackSettings): boolean {
    const k = this.#slot.get(device)!;
    const o = k & CHUNK_MASK;
    const flags = this.#i[k >>> CHUNK_BITS]![I * o + I_FLAGS]!;
    if ((flags & (HAS_CAND | HAS_EXC)) !== 0) return false;
    if ((flags & HAS_PREV) === 0) return true;
    const depart = this.#f[k >>> CHUNK_BITS]![F * o + F_PREV_DEPART]!;
    return !Number.isNaN(depart) && now - depart > cfg.maxTripMs;
  }

  /**
   * Plain-data columns of every device, in iteration order, for checkpoints. The layout is that of
   * the first compact version (21 numbers — the GPS centre's too — and 6 integers a device, every
   * dwell entry in `dwell`), whatever the slots hold inline, so checkpoints read the same across
   * versions.
   */
  snapshot(): TrackColumns {
    const n = this.#slot.size;
    const cols: TrackColumns = {
      device: new Array<string>(n),
      f: new Float64Array(COL_F * n),
      i: new Int32Array(COL_I * n),
      r: new Array<string | null>(R * n),
      dwellN: new Uint32Array(n),
      dwell: [],
      exc: [],
    };
    let j = 0;
    for (const [device, k] of this.#slot) {
      const f = this.#f[k >>> CHUNK_BITS]!, i = this.#i[k >>> CHUNK_BITS]!;
      const fb = F * (k & CHUNK_MASK), ib = I * (k & CHUNK_MASK);
      cols.device[j] = device;
      const cb = COL_F * j;
      cols.f.set(f.subarray(fb, fb + COL_GPS), cb);
      const g = i[ib + I_GPS]! - 1;
      if (g >= 0) cols.f.set(this.#gps.chunk(g).subarray(this.#gps.base(g), this.#gps.base(g) + CENTRE), cb + COL_GPS);
      cols.f.set(f.subarray(fb + COL_GPS, fb + F_DWELL), cb + COL_GPS + CENTRE);
      cols.i.set(i.subarray(ib, ib + COL_I), COL_I * j);
      for (let x = 0; x < R; x++) cols.r[R * j + x] = this.#str(i, ib, k, x) ?? null;
      let m = 0;
      for (let x = 0; x < DWELL_INLINE; x++) {
        const key = i[ib + I_DWELL_KEY + x]!;
        if (key < 0) break;
        cols.dwell.push(this.#strs.str(key), f[fb + F_DWELL + x]!);
        m++;
      }
      const d = this.#dwell.get(k);
      if (d) {
        m += d.length / 2;
        for (const v of d) cols.dwell.push(v as string | number);
      }
      cols.dwellN[j] = m;
      const e = this.#exc.get(k);
      if (e) cols.exc.push([j, e]);
      j++;
    }
    return cols;
  }

  /** Replaces the contents with a {@link snapshot}. */
  restore(cols: TrackColumns): void {
    this.clear();
    const n = cols.device.length;
    let d = 0;
    for (let j = 0; j < n; j++) {
      const k = this.#alloc();
      this.#slot.set(cols.device[j]!, k);
      const f = this.#f[k >>> CHUNK_BITS]!, i = this.#i[k >>> CHUNK_BITS]!;
      const fb = F * (k & CHUNK_MASK), ib = I * (k & CHUNK_MASK);
      const cb = COL_F * j;
      f.set(cols.f.subarray(cb, cb + COL_GPS), fb);
      const g = cols.f.subarray(cb + COL_GPS, cb + COL_GPS + CENTRE);
      if (g.some((v) => v !== 0)) {
        const x = this.#gps.alloc();
        i[ib + I_GPS] = x + 1;
        this.#gps.chunk(x).set(g, this.#gps.base(x));
      }
      f.set(cols.f.subarray(cb + COL_GPS + CENTRE, cb + COL_F), fb + COL_GPS);
      i.set(cols.i.subarray(COL_I * j, COL_I * j + COL_I), ib);
      for (let x = 0; x < R; x++) this.#setStr(i, ib, k, x, cols.r[R * j + x] ?? undefined);
      const m = cols.dwellN[j]!;
      this.#storeDwell(k, f, fb, i, ib, cols.dwell, d, m);
      d += 2 * m;
    }
    // After clear() slots are handed out in order from 0: device j is in slot j.
    for (const [j, e] of cols.exc) {
      this.#exc.set(j, e);
      this.#i[j >>> CHUNK_BITS]![I * (j & CHUNK_MASK) + I_FLAGS]! |= HAS_EXC; // not set in checkpoints of the first compact version
    }
  }

  #alloc(): number {
    const k = this.#free.pop();
    if (k >= 0) return k;
    const slot = this.#top++;
    if ((slot & CHUNK_MASK) === 0) {
      this.#f.push(new Float64Array(F * CHUNK));
      const i = new Int32Array(I * CHUNK);
      for (let b = 0; b < i.length; b += I) i.fill(NO_ID, b + I_R, b + I_R + R);
      this.#i.push(i);
    }
    return slot;
  }

  /** Place string `x` of slot `k` (integers from `i[ib]`). */
  #str(i: Int32Array, ib: number, k: number, x: number): string | undefined {
    return this.#strs.load(i, ib + I_R + x, this.#spilled, R * k + x);
  }

  #setStr(i: Int32Array, ib: number, k: number, x: number, v: string | undefined): void {
    this.#strs.store(i, ib + I_R + x, v, this.#spilled, R * k + x);
  }

  /** Frees the GPS centre of the slot whose integers start at `i[ib]`, if it has one. */
  #releaseGps(i: Int32Array, ib: number): void {
    const g = i[ib + I_GPS]! - 1;
    if (g < 0) return;
    this.#gps.free(g);
    i[ib + I_GPS] = 0;
  }

  /**
   * Stores `m` dwell entries, flat from `flat[from]`: up to {@link DWELL_INLINE} inline (fewer when the
   * string table is full and a key is new), the rest in a spill array.
   */
  #storeDwell(k: number, f: Float64Array, fb: number, i: Int32Array, ib: number, flat: readonly unknown[], from: number, m: number): void {
    let q = 0;
    for (let x = 0; x < DWELL_INLINE; x++) {
      const id = x < m && q === x ? this.#strs.id(flat[from + 2 * x] as string) : -1;
      i[ib + I_DWELL_KEY + x] = id;
      if (id >= 0) {
        f[fb + F_DWELL + x] = flat[from + 2 * x + 1] as number;
        q++;
      }
    }
    if (m > q) this.#dwell.set(k, flat.slice(from + 2 * q, from + 2 * m)); // slice: exactly sized
    else this.#dwell.delete(k);
  }

  #pack(s: DeviceTrackState, k: number): void {
    const f = this.#f[k >>> CHUNK_BITS]!, i = this.#i[k >>> CHUNK_BITS]!;
    const fb = F * (k & CHUNK_MASK), ib = I * (k & CHUNK_MASK);
    let flags = 0;
    f[fb + F_LAST_SEEN] = s.lastSeen;
    i[ib + I_OUT_OF_ORDER] = s.outOfOrder;
    const c = s.cand;
    let dwellN = 0;
    let flat: unknown[] = NO_DWELL;
    if (c) {
      flags |= HAS_CAND;
      f[fb + F_START] = c.start;
      f[fb + F_C_LAST_TS] = c.lastTs;
      this.#setStr(i, ib, k, R_LAST_H3, c.lastH3);
      i[ib + I_EVENTS] = c.events;
      i[ib + I_OSC] = c.oscillations;
      packCentre(c.cell, f, fb + F_CELL);
      if (c.gps.n > 0 || c.gps.lastTs !== 0 || c.gps.wSum !== 0) {
        let g = i[ib + I_GPS]! - 1;
        if (g < 0) {
          g = this.#gps.alloc();
          i[ib + I_GPS] = g + 1;
        }
        packCentre(c.gps, this.#gps.chunk(g), this.#gps.base(g));
      } else {
        this.#releaseGps(i, ib);
      }
      i[ib + I_CELL_N] = c.cell.n;
      i[ib + I_GPS_N] = c.gps.n;
      this.#setStr(i, ib, k, R_CELL_KEY, c.cell.lastKey);
      if (c.cell.dwell) {
        const keys = Object.keys(c.cell.dwell);
        dwellN = keys.length;
        flat = new Array<unknown>(2 * keys.length);
        for (let x = 0; x < keys.length; x++) {
          flat[2 * x] = keys[x];
          flat[2 * x + 1] = c.cell.dwell[keys[x]!];
        }
      }
      if (c.place) {
        flags |= HAS_PLACE;
        f[fb + F_PLACE_LAT] = c.place.lat;
        f[fb + F_PLACE_LNG] = c.place.lng;
        this.#setStr(i, ib, k, R_PLACE_H3, c.place.h3);
      } else {
        this.#setStr(i, ib, k, R_PLACE_H3, undefined);
      }
    } else {
      this.#setStr(i, ib, k, R_LAST_H3, undefined);
      this.#setStr(i, ib, k, R_CELL_KEY, undefined);
      this.#setStr(i, ib, k, R_PLACE_H3, undefined);
      this.#releaseGps(i, ib);
    }
    this.#storeDwell(k, f, fb, i, ib, flat, 0, dwellN);
    const p = s.prev;
    if (p) {
      flags |= HAS_PREV;
      if (p.hasGps) flags |= PREV_GPS;
      f[fb + F_PREV_LAT] = p.lat;
      f[fb + F_PREV_LNG] = p.lng;
      f[fb + F_PREV_LAST_TS] = p.lastTs;
      f[fb + F_PREV_DEPART] = p.departTs ?? NaN;
      this.#setStr(i, ib, k, R_PREV_H3, p.h3);
    } else {
      this.#setStr(i, ib, k, R_PREV_H3, undefined);
    }
    if (s.exc.length > 0) {
      flags |= HAS_EXC;
      this.#exc.set(k, s.exc);
    } else {
      this.#exc.delete(k);
    }
    i[ib + I_FLAGS] = flags;
  }

  #unpack(device: string, k: number): DeviceTrackState {
    const f = this.#f[k >>> CHUNK_BITS]!, i = this.#i[k >>> CHUNK_BITS]!;
    const fb = F * (k & CHUNK_MASK), ib = I * (k & CHUNK_MASK);
    const flags = i[ib + I_FLAGS]!;
    let cand: Candidate | null = null;
    if (flags & HAS_CAND) {
      const cell = unpackCentre(f, fb + F_CELL, i[ib + I_CELL_N]!);
      cell.lastKey = this.#str(i, ib, k, R_CELL_KEY);
      if (i[ib + I_DWELL_KEY]! >= 0 || this.#dwell.has(k)) {
        const dwell: Record<string, number> = {};
        for (let x = 0; x < DWELL_INLINE; x++) {
          const key = i[ib + I_DWELL_KEY + x]!;
          if (key < 0) break;
          dwell[this.#strs.str(key)] = f[fb + F_DWELL + x]!;
        }
        const flat = this.#dwell.get(k);
        if (flat) for (let x = 0; x < flat.length; x += 2) dwell[flat[x] as string] = flat[x + 1] as number;
        cell.dwell = dwell;
      }
      cand = {
        start: f[fb + F_START]!,
        lastTs: f[fb + F_C_LAST_TS]!,
        lastH3: this.#str(i, ib, k, R_LAST_H3)!,
        cell,
        gps: i[ib + I_GPS]! > 0
          ? unpackCentre(this.#gps.chunk(i[ib + I_GPS]! - 1), this.#gps.base(i[ib + I_GPS]! - 1), i[ib + I_GPS_N]!)
          : unpackCentre(NO_CENTRE, 0, i[ib + I_GPS_N]!),
        events: i[ib + I_EVENTS]!,
        oscillations: i[ib + I_OSC]!,
        place: flags & HAS_PLACE ? { h3: this.#str(i, ib, k, R_PLACE_H3)!, lat: f[fb + F_PLACE_LAT]!, lng: f[fb + F_PLACE_LNG]! } : null,
      };
    }
    let prev: PreviousStay | null = null;
    if (flags & HAS_PREV) {
      const depart = f[fb + F_PREV_DEPART]!;
      prev = {
        h3: this.#str(i, ib, k, R_PREV_H3)!,
        lat: f[fb + F_PREV_LAT]!,
        lng: f[fb + F_PREV_LNG]!,
        lastTs: f[fb + F_PREV_LAST_TS]!,
        departTs: Number.isNaN(depart) ? null : depart,
        hasGps: (flags & PREV_GPS) !== 0,
      };
    }
    return { device, cand, exc: flags & HAS_EXC ? this.#exc.get(k)!.slice() : [], prev, lastSeen: f[fb + F_LAST_SEEN]!, outOfOrder: i[ib + I_OUT_OF_ORDER]! };
  }
}

const NO_DWELL: unknown[] = [];

/** Centres per chunk of a {@link CentreSlab}. */
const SLAB_CHUNK = 4096;

/**
 * Time-weighted centres ({@link CENTRE} numbers each) in chunks of one Float64Array, handed out and
 * taken back by index: a fifth of the devices of a simulated day send fixes, and a typed array of
 * their own each cost ~200 bytes (the array, its buffer, the allocation, a map entry) for 48 of data.
 */
class CentreSlab {
  readonly #chunks: Float64Array[] = [];
  readonly #free = new IntStack();
  #top = 0;

  alloc(): number {
    const x = this.#free.pop();
    if (x >= 0) return x;
    if (this.#top % SLAB_CHUNK === 0) this.#chunks.push(new Float64Array(CENTRE * SLAB_CHUNK));
    return this.#top++;
  }

  free(x: number): void {
    this.#chunks[Math.floor(x / SLAB_CHUNK)]!.fill(0, this.base(x), this.base(x) + CENTRE);
    this.#free.push(x);
  }

  /** The array holding centre `x`, from {@link base}. */
  chunk(x: number): Float64Array {
    return this.#chunks[Math.floor(x / SLAB_CHUNK)]!;
  }

  base(x: number): number {
    return CENTRE * (x % SLAB_CHUNK);
  }
}
/** A centre with no point. */
const NO_CENTRE = new Float64Array(CENTRE);

/** Numbers and integers a device in {@link TrackColumns}: the slot's own fields before the inline dwell, and the GPS centre. */
const COL_F = F_DWELL + CENTRE;
const COL_I = I_DWELL_KEY;

/**
 * {@link TrackStore} contents in columns (checkpoints): per device, {@link COL_F} numbers, {@link COL_I}
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

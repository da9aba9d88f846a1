import { cellToParent, getResolution } from 'h3-js';
import type { DeviceConsumerFactory, DeviceWindow, StreamingDeviceConsumer } from '../../window/device-window.ts';
import { fmix32, hashString, PairSet, type PairSetSnapshot } from '../engine/pair-set.ts';
import type { DeviceCellsRecord } from './device-cells-record.ts';

/** Name of the consumer: keys its outputs and its state in the pipeline. */
export const DEVICE_CELLS_CONSUMER = 'device-cells';

const DAY = 86_400_000;

/**
 * Checkpointed state: the UTC day being collected and the (device, cell) pairs of it already
 * emitted, as 64-bit hashes. `cells` holds rows not emitted yet: only after restoring a snapshot of
 * the earlier format, which kept every pair of the day as strings and emitted them when the day ended.
 */
interface DeviceCellsSnapshot {
  day: number | null;
  seen?: PairSetSnapshot;
  cells: [device: string, h3: string[]][];
}

/** An event cell's parent at the consumer's resolution: the one shared string, and its 64 bits. */
interface Parent {
  h3: string;
  hi: number;
  lo: number;
}

/**
 * Collects, per device and UTC day, the H3 cells at resolution `res` (default 8, the stays' place
 * resolution) where the device had located events — the evidence for people *in transit* (seen in a
 * zone without a stay there, docs/population.md). A (device, cell) pair is emitted the first time it
 * is seen in a day, with the window that saw it; the state is the set of pairs emitted today, as
 * 64-bit hashes in flat typed arrays ({@link PairSet}, 8 bytes a pair, kept and reused from one day
 * to the next), so memory does not grow with each cell a device adds through the day, and no
 * day-end burst of every pair at once. Its state is checkpointed with the rows it emitted.
 */
export function createDeviceCellsConsumer(res = 8): DeviceConsumerFactory<DeviceCellsRecord> {
  return () => new DeviceCellsConsumer(res);
}

class DeviceCellsConsumer implements StreamingDeviceConsumer<DeviceCellsRecord> {
  readonly name = DEVICE_CELLS_CONSUMER;
  readonly #res: number;
  #day: number | null = null;
  /** Pairs emitted today (hashes of device and cell). */
  #seen = new PairSet();
  /** Rows of the window being closed. */
  #out: DeviceCellsRecord[] = [];
  /** Rows restored from an earlier-format snapshot, emitted with the next window. */
  #pending: DeviceCellsRecord[] = [];
  /** Event cell → its parent at `res` (cells are few; devices are many). */
  readonly #parentOf = new Map<string, Parent>();
  readonly #dh: [number, number] = [0, 0];

  constructor(res: number) {
    this.#res = res;
  }

  openWindow(windowStart: number): void {
    const day = Math.floor(windowStart / DAY);
    this.#out = this.#pending;
    this.#pending = [];
    if (this.#day === null || day > this.#day) {
      this.#day = day;
      this.#seen.clear();
    }
  }

  onDevice(d: DeviceWindow): void {
    if (d.events.length === 0) return;
    const [a, b] = hashString(d.device, this.#dh);
    const dayEnd = (this.#day! + 1) * DAY;
    let last: Parent | null = null;
    for (const e of d.events) {
      const p = this.#parent(e.h3);
      if (p === last) continue;
      last = p;
      if (this.#add(a, b, p)) {
        this.#out.push({ dayEnd, device: d.device, h3: p.h3 });
      }
    }
  }

  closeWindow(): readonly DeviceCellsRecord[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  /** Adds the pair (device hashed to `a`, `b`; cell `p`) to today's set; false when already there. */
  #add(a: number, b: number, p: Parent): boolean {
    return this.#seen.add(fmix32(a ^ Math.imul(p.hi, 0x9e3779b1) ^ p.lo), fmix32(b ^ Math.imul(p.lo, 0x85ebca6b) ^ ((p.hi << 16) | (p.hi >>> 16))));
  }

  #parent(h3: string): Parent {
    let p = this.#parentOf.get(h3);
    if (p === undefined) {
      const c = getResolution(h3) > this.#res ? cellToParent(h3, this.#res) : h3;
      p = this.#parentOf.get(c) ?? { h3: c, hi: parseInt(c.slice(0, -8) || '0', 16) >>> 0, lo: parseInt(c.slice(-8), 16) >>> 0 };
      if (this.#parentOf.size > 1_000_000) this.#parentOf.clear();
      this.#parentOf.set(h3, p);
      this.#parentOf.set(c, p);
    }
    return p;
  }

  finish(): readonly DeviceCellsRecord[] {
    const out = this.#pending;
    this.#pending = [];
    return out;
  }

  /** Shares the live arrays (encode it before the next window). */
  snapshot(): DeviceCellsSnapshot {
    const cells = new Map<string, string[]>();
    for (const r of this.#pending) {
      const l = cells.get(r.device);
      if (l) l.push(r.h3);
      else cells.set(r.device, [r.h3]);
    }
    return { day: this.#day, seen: this.#seen.snapshot(), cells: [...cells] };
  }

  restore(state: unknown): void {
    const s = state as DeviceCellsSnapshot;
    this.#day = s.day;
    this.#seen = s.seen ? PairSet.restore(s.seen) : new PairSet();
    this.#pending = [];
    if (s.day === null) return;
    // Rows not emitted yet, out with the next window. A snapshot of the earlier format has no set:
    // its rows (every pair of its day) go into it too.
    const dayEnd = (s.day + 1) * DAY;
    for (const [device, h3s] of s.cells) {
      const [a, b] = hashString(device, this.#dh);
      for (const h3 of new Set(h3s)) {
        const p = this.#parent(h3);
        if (s.seen || this.#add(a, b, p)) this.#pending.push({ dayEnd, device, h3: p.h3 });
      }
    }
  }
}

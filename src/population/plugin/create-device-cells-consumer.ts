import { cellToParent, getResolution } from 'h3-js';
import type { DeviceConsumerFactory, DeviceWindow, StreamingDeviceConsumer } from '../../window/device-window.ts';
import type { DeviceCellsRecord } from './device-cells-record.ts';

/** Name of the consumer: keys its outputs and its state in the pipeline. */
export const DEVICE_CELLS_CONSUMER = 'device-cells';

const DAY = 86_400_000;

/** Plain-data state: the UTC day being collected and each device's cells in it so far. */
interface DeviceCellsSnapshot {
  day: number | null;
  cells: [device: string, h3: string[]][];
}

/**
 * Collects, per device and UTC day, the H3 cells at resolution `res` (default 8, the stays' place
 * resolution) where the device had located events — the evidence for people *in transit* (seen in a
 * zone without a stay there, docs/population.md). Emits a day's rows when the first window of a
 * later day arrives, and the open day at the end of a finite input. Its state is checkpointed.
 */
export function createDeviceCellsConsumer(res = 8): DeviceConsumerFactory<DeviceCellsRecord> {
  return () => new DeviceCellsConsumer(res);
}

class DeviceCellsConsumer implements StreamingDeviceConsumer<DeviceCellsRecord> {
  readonly name = DEVICE_CELLS_CONSUMER;
  readonly #res: number;
  #day: number | null = null;
  /** The previous day's rows, when the window being closed starts a new day. */
  #out: DeviceCellsRecord[] = [];
  /**
   * Each device's distinct cells of the day, in first-seen order. Small arrays of shared strings
   * rather than a Set per device: at a million devices a Set and its own copies of the cell strings
   * cost ~700 bytes a device, the array ~100.
   */
  #cells = new Map<string, string[]>();
  /** Event cell → the one shared string of its parent at `res` (cells are few; devices are many). */
  readonly #parentOf = new Map<string, string>();

  constructor(res: number) {
    this.#res = res;
  }

  openWindow(windowStart: number): void {
    const day = Math.floor(windowStart / DAY);
    this.#out = this.#day !== null && day > this.#day ? this.#emit() : [];
    if (this.#day === null || day > this.#day) this.#day = day;
  }

  onDevice(d: DeviceWindow): void {
    let s: string[] | undefined;
    for (const e of d.events) {
      const c = this.#parent(e.h3);
      s ??= this.#cells.get(d.device);
      if (!s) this.#cells.set(d.device, (s = [c]));
      else if (!s.includes(c)) s.push(c);
    }
  }

  closeWindow(): readonly DeviceCellsRecord[] {
    const out = this.#out;
    this.#out = [];
    return out;
  }

  #parent(h3: string): string {
    let c = this.#parentOf.get(h3);
    if (c === undefined) {
      c = getResolution(h3) > this.#res ? cellToParent(h3, this.#res) : h3;
      // Shared with the snapshot's and restore's strings too: one copy of each cell.
      c = this.#parentOf.get(c) ?? c;
      if (this.#parentOf.size > 1_000_000) this.#parentOf.clear();
      this.#parentOf.set(h3, c);
      this.#parentOf.set(c, c);
    }
    return c;
  }

  finish(): readonly DeviceCellsRecord[] {
    return this.#emit();
  }

  #emit(): DeviceCellsRecord[] {
    const out: DeviceCellsRecord[] = [];
    if (this.#day === null) return out;
    const dayEnd = (this.#day + 1) * DAY;
    for (const [device, cells] of this.#cells) for (const h3 of cells) out.push({ dayEnd, device, h3 });
    this.#cells = new Map();
    return out;
  }

  /** Shares the live arrays (encode it before the next window). */
  snapshot(): DeviceCellsSnapshot {
    return { day: this.#day, cells: [...this.#cells] };
  }

  restore(state: unknown): void {
    const s = state as DeviceCellsSnapshot;
    this.#day = s.day;
    this.#cells = new Map(s.cells.map(([d, c]) => [d, [...new Set(c)].map((h3) => this.#parent(h3))]));
  }
}

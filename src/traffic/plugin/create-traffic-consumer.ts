import type { DeviceConsumerFactory, DeviceWindow, StreamingDeviceConsumer } from '../../window/device-window.ts';
import { IntStack } from '../../core/int-stack.ts';
import { SlotIndex } from '../../core/slot-index.ts';
import { StringIds } from '../../core/string-ids.ts';
import type { Hop } from '../engine/hop.ts';
import { newHopTrack, pushHopEvent, type HopTrackState } from '../engine/hop-tracker.ts';
import { resolveTrafficConfig, type ResolvedTrafficConfig, type TrafficConfig } from '../engine/traffic-config.ts';
import { grown } from '../../core/grown.ts';

/** Name of the consumer: keys its checkpointed state and its outputs. */
export const TRAFFIC_CONSUMER = 'traffic';

/**
 * The traffic layer on the pipeline's device-level seam: each closed window's signalling events go
 * through a per-device handover tracker; every cell a device crosses between two handovers comes out
 * as a {@link Hop} (table `traffic_hops`). Same code under `ingest` and `stream`; state is plain data
 * (the last two cells and two times per device, in flat arrays) for checkpoints, so hops are
 * exactly-once across `kill -9`.
 *
 * @example
 * await runIngest({ ...config, deviceConsumers: [trafficPlugin()] });
 */
export function createTrafficConsumer(config: TrafficConfig = {}): DeviceConsumerFactory<Hop> {
  const cfg = resolveTrafficConfig(config);
  return () => new TrafficConsumer(cfg);
}

/**
 * Checkpointed state: the tracks in columns (typed arrays for the times); snapshots of earlier
 * versions were a list of {@link HopTrackState}s, still restored.
 */
interface HopColumns {
  device: string[];
  prev: string[];
  cur: string[];
  enterTs: Float64Array;
  lastTs: Float64Array;
}

class TrafficConsumer implements StreamingDeviceConsumer<Hop> {
  readonly name = TRAFFIC_CONSUMER;
  readonly #cfg: ResolvedTrafficConfig;
  /**
   * Device → slot of its track in the arrays below: a track is two cells (ids of {@link #strs}; ''
   * for none) and two times, 24 bytes off the JS heap where an object with two boxed times took ~100
   * at a million devices.
   */
  readonly #slot = new SlotIndex();
  /** [prev, cur] per slot, as {@link StringIds.store} writes them (spilled ones by position). */
  #cells = new Int32Array(2 * 1024);
  #strs = new StringIds();
  readonly #spilled = new Map<number, string>();
  #enterTs = new Float64Array(1024);
  #lastTs = new Float64Array(1024);
  #top = 0;
  readonly #free = new IntStack();
  /** The track being fed, unpacked (one object, reused: hops copy its values). */
  readonly #scratch: HopTrackState = newHopTrack('');
  /** Hops of the window being closed, and its end. */
  #out: Hop[] = [];
  #windowEnd = 0;

  constructor(cfg: ResolvedTrafficConfig) {
    this.#cfg = cfg;
  }

  openWindow(_windowStart: number, windowEnd: number): void {
    this.#out = [];
    this.#windowEnd = windowEnd;
  }

  onDevice(d: DeviceWindow): void {
    if (d.events.length === 0) return;
    let k = this.#slot.get(d.device);
    const s = this.#scratch;
    s.device = d.device;
    if (k === undefined) {
      k = this.#alloc();
      this.#slot.set(d.device, k);
      s.prev = s.cur = '';
      s.enterTs = NaN;
      s.lastTs = -Infinity;
    } else {
      s.prev = this.#cell(2 * k);
      s.cur = this.#cell(2 * k + 1);
      s.enterTs = this.#enterTs[k]!;
      s.lastTs = this.#lastTs[k]!;
    }
    for (const e of d.events) pushHopEvent(s, e, this.#cfg.maxHopMs, this.#out);
    this.#store(k, s);
  }

  closeWindow(): readonly Hop[] {
    const out = this.#out;
    const windowEnd = this.#windowEnd;
    this.#out = [];
    // Hops in device order whatever order the devices came in: a stable sort of the hops, each
    // device's own in sequence (not a sort of every device held, per window).
    out.sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
    for (const [id, k] of this.#slot) {
      if (windowEnd - this.#lastTs[k]! > this.#cfg.idleMs || this.#cell(2 * k + 1) === '') {
        this.#slot.delete(id);
        this.#strs.store(this.#cells, 2 * k, '', this.#spilled);
        this.#strs.store(this.#cells, 2 * k + 1, '', this.#spilled);
        this.#free.push(k);
      }
    }
    return out;
  }

  /** The tracks in columns, in first-seen order. */
  snapshot(): HopColumns {
    const n = this.#slot.size;
    const cols: HopColumns = { device: new Array<string>(n), prev: new Array<string>(n), cur: new Array<string>(n), enterTs: new Float64Array(n), lastTs: new Float64Array(n) };
    let j = 0;
    for (const [id, k] of this.#slot) {
      cols.device[j] = id;
      cols.prev[j] = this.#cell(2 * k);
      cols.cur[j] = this.#cell(2 * k + 1);
      cols.enterTs[j] = this.#enterTs[k]!;
      cols.lastTs[j] = this.#lastTs[k]!;
      j++;
    }
    return cols;
  }

  /** Restores columns, or the list of {@link HopTrackState}s of earlier versions (`enterTs` null for NaN in those written as JSON). */
  restore(state: unknown): void {
    this.#slot.clear();
    this.#cells = new Int32Array(2 * 1024);
    this.#strs = new StringIds();
    this.#spilled.clear();
    this.#enterTs = new Float64Array(1024);
    this.#lastTs = new Float64Array(1024);
    this.#top = 0;
    this.#free.clear();
    const tracks: HopTrackState[] = [];
    if (Array.isArray(state)) {
      for (const s of state as (Omit<HopTrackState, 'enterTs'> & { enterTs: number | null })[]) tracks.push({ ...s, enterTs: s.enterTs ?? NaN });
    } else {
      const c = state as HopColumns;
      for (let j = 0; j < c.device.length; j++) tracks.push({ device: c.device[j]!, prev: c.prev[j]!, cur: c.cur[j]!, enterTs: c.enterTs[j]!, lastTs: c.lastTs[j]! });
    }
    for (const s of tracks) {
      const k = this.#alloc();
      this.#slot.set(s.device, k);
      this.#store(k, s);
    }
  }

  #cell(at: number): string {
    return this.#strs.load(this.#cells, at, this.#spilled)!;
  }

  #store(k: number, s: HopTrackState): void {
    this.#strs.store(this.#cells, 2 * k, s.prev, this.#spilled);
    this.#strs.store(this.#cells, 2 * k + 1, s.cur, this.#spilled);
    this.#enterTs[k] = s.enterTs;
    this.#lastTs[k] = s.lastTs;
  }

  #alloc(): number {
    const k = this.#free.pop();
    if (k >= 0) return k;
    const slot = this.#top++;
    if (slot === this.#lastTs.length) {
      this.#cells = grown(this.#cells, 4 * slot);
      this.#enterTs = grown(this.#enterTs, 2 * slot);
      this.#lastTs = grown(this.#lastTs, 2 * slot);
    }
    return slot;
  }
}

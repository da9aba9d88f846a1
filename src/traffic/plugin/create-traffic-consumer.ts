import type { DeviceConsumerFactory, DeviceWindow, StreamingDeviceConsumer } from '../../window/device-window.ts';
import type { Hop } from '../engine/hop.ts';
import { newHopTrack, pushHopEvent, type HopTrackState } from '../engine/hop-tracker.ts';
import { resolveTrafficConfig, type ResolvedTrafficConfig, type TrafficConfig } from '../engine/traffic-config.ts';

/** Name of the consumer: keys its checkpointed state and its outputs. */
export const TRAFFIC_CONSUMER = 'traffic';

/**
 * The traffic layer on the pipeline's device-level seam: each closed window's signalling events go
 * through a per-device handover tracker; every cell a device crosses between two handovers comes out
 * as a {@link Hop} (table `traffic_hops`). Same code under `ingest` and `stream`; state is plain data
 * (the last two cells per device) for checkpoints, so hops are exactly-once across `kill -9`.
 *
 * @example
 * await runIngest({ ...config, deviceConsumers: [trafficPlugin()] });
 */
export function createTrafficConsumer(config: TrafficConfig = {}): DeviceConsumerFactory<Hop> {
  const cfg = resolveTrafficConfig(config);
  return () => new TrafficConsumer(cfg);
}

class TrafficConsumer implements StreamingDeviceConsumer<Hop> {
  readonly name = TRAFFIC_CONSUMER;
  readonly #cfg: ResolvedTrafficConfig;
  #tracks = new Map<string, HopTrackState>();
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
    let s = this.#tracks.get(d.device);
    if (!s) this.#tracks.set(d.device, (s = newHopTrack(d.device)));
    for (const e of d.events) pushHopEvent(s, e, this.#cfg.maxHopMs, this.#out);
  }

  closeWindow(): readonly Hop[] {
    const out = this.#out;
    const windowEnd = this.#windowEnd;
    this.#out = [];
    // Hops in device order whatever order the devices came in: a stable sort of the hops, each
    // device's own in sequence (not a sort of every device held, per window).
    out.sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
    for (const [id, s] of this.#tracks) if (windowEnd - s.lastTs > this.#cfg.idleMs || s.cur === '') this.#tracks.delete(id);
    return out;
  }

  /**
   * Shares the live track objects (no copy: checkpoints encode it at once with V8's serialiser, which
   * keeps NaN); `restore` also reads the `null` for NaN of snapshots written as JSON.
   */
  snapshot(): HopTrackState[] {
    return [...this.#tracks.values()];
  }

  restore(state: unknown): void {
    const list = state as (Omit<HopTrackState, 'enterTs'> & { enterTs: number | null })[];
    this.#tracks = new Map(list.map((s) => [s.device, { ...s, enterTs: s.enterTs ?? NaN }]));
  }
}

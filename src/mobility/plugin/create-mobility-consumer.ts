import type { DeviceConsumerFactory, DeviceWindow, StreamingDeviceConsumer } from '../../window/device-window.ts';
import {
  advanceTrack, finishTrack, isIdle, newDeviceTrack, pushPoint, type DeviceTrackState, type TrackOutput, type TrackSettings,
} from '../engine/device-track.ts';
import { resolveMobilityConfig, type MobilityConfig } from '../engine/mobility-config.ts';
import { OdHourAccumulator } from '../engine/od-hour-accumulator.ts';
import { odPublicationBoundMs } from '../engine/od-publication-bound.ts';
import type { StayPlacer } from '../../locate/stay-placer.ts';
import type { MobilityRecord } from './mobility-record.ts';
import { toTrackPoint } from './to-track-point.ts';

/** Name of the consumer: keys its checkpointed state and its outputs. */
export const MOBILITY_CONSUMER = 'mobility';

interface MobilitySnapshot {
  tracks: DeviceTrackState[];
  od: [number, [string, number][]][];
  now: number;
}

/**
 * The trajectory layer on the pipeline's device-level seam: each closed window's device events go
 * through the ping-pong filter and stay detector (src/mobility/engine); ended stays, trips and the
 * hourly OD that became final come out as {@link MobilityRecord}s. Same code under `ingest` and
 * `stream`; the state is plain data for checkpoints.
 *
 * @example
 * pipelineConfig.deviceConsumers = [createMobilityConsumer({ maxTripMs: 2 * 3_600_000 })];
 */
export function createMobilityConsumer(config: MobilityConfig = {}, placer?: StayPlacer): DeviceConsumerFactory<MobilityRecord> {
  const cfg: TrackSettings = placer ? { ...resolveMobilityConfig(config), placer } : resolveMobilityConfig(config);
  return () => new MobilityConsumer(cfg);
}

function byDevice(a: { device: string }, b: { device: string }): number {
  return a.device < b.device ? -1 : a.device > b.device ? 1 : 0;
}

class MobilityConsumer implements StreamingDeviceConsumer<MobilityRecord> {
  readonly name = MOBILITY_CONSUMER;
  readonly #cfg: TrackSettings;
  #tracks = new Map<string, DeviceTrackState>();
  #od: OdHourAccumulator;
  #now = Number.MIN_SAFE_INTEGER;
  /** Outputs of the window being closed, and its end. */
  #out: TrackOutput = { stays: [], trips: [] };
  #windowEnd = 0;

  constructor(cfg: TrackSettings) {
    this.#cfg = cfg;
    this.#od = new OdHourAccumulator(odPublicationBoundMs(cfg));
  }

  openWindow(_windowStart: number, windowEnd: number): void {
    this.#out = { stays: [], trips: [] };
    this.#windowEnd = windowEnd;
  }

  onDevice(d: DeviceWindow): void {
    if (d.events.length === 0) return;
    let s = this.#tracks.get(d.device);
    if (!s) this.#tracks.set(d.device, (s = newDeviceTrack(d.device)));
    for (const e of d.events) pushPoint(s, toTrackPoint(e), this.#cfg, this.#out);
  }

  closeWindow(): readonly MobilityRecord[] {
    const out = this.#out;
    const windowEnd = this.#windowEnd;
    this.#out = { stays: [], trips: [] };
    // Outputs in device order, whatever order the engine handed the devices in: a stable sort of the
    // few outputs (each device's own stay in sequence), not of every device held.
    out.stays.sort(byDevice);
    out.trips.sort(byDevice);
    this.#now = Math.max(this.#now, windowEnd);
    for (const [id, s] of this.#tracks) {
      advanceTrack(s, windowEnd, this.#cfg, out);
      if (isIdle(s, windowEnd, this.#cfg)) this.#tracks.delete(id);
    }
    return this.#records(out, windowEnd);
  }

  finish(): readonly MobilityRecord[] {
    const out: TrackOutput = { stays: [], trips: [] };
    for (const s of this.#tracks.values()) finishTrack(s, this.#cfg, out);
    this.#tracks.clear();
    return this.#records(out, Infinity);
  }

  /** Shares the live track objects (no copy: a million tracks are expensive to clone); encode it before the next window. */
  snapshot(): MobilitySnapshot {
    return { tracks: [...this.#tracks.values()], od: this.#od.snapshot(), now: this.#now };
  }

  restore(state: unknown): void {
    const s = structuredClone(state) as MobilitySnapshot;
    this.#tracks = new Map(s.tracks.map((t) => [t.device, t]));
    this.#od.restore(s.od);
    this.#now = s.now;
  }

  #records(out: TrackOutput, now: number): MobilityRecord[] {
    const recs: MobilityRecord[] = [];
    for (const row of out.stays) recs.push({ table: 'stays', row });
    for (const row of out.trips) {
      this.#od.add(row);
      recs.push({ table: 'trips', row });
    }
    for (const row of this.#od.publish(now)) recs.push({ table: 'od_h3_hourly', row });
    return recs;
  }
}

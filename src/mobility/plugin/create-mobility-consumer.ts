import type { DeviceConsumerFactory, DeviceWindow, StreamingDeviceConsumer } from '../../window/device-window.ts';
import {
  advanceTrack, finishTrack, isIdle, newDeviceTrack, pushPoint, type DeviceTrackState, type TrackOutput, type TrackSettings,
} from '../engine/device-track.ts';
import { TrackStore, type TrackColumns } from '../engine/track-store.ts';
import { resolveMobilityConfig, type MobilityConfig } from '../engine/mobility-config.ts';
import { OdHourAccumulator } from '../engine/od-hour-accumulator.ts';
import { odPublicationBoundMs } from '../engine/od-publication-bound.ts';
import type { StayPlacer } from '../../locate/stay-placer.ts';
import type { MobilityRecord } from './mobility-record.ts';
import { toTrackPoint } from './to-track-point.ts';

/** Name of the consumer: keys its checkpointed state and its outputs. */
export const MOBILITY_CONSUMER = 'mobility';

/**
 * Checkpointed state: the device tracks in columns ({@link TrackColumns}); snapshots of earlier
 * versions held them as objects (`tracks`), still restored.
 */
interface MobilitySnapshot {
  store?: TrackColumns;
  tracks?: DeviceTrackState[];
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
  /** Per-device trajectory state, compact ({@link TrackStore}). */
  readonly #tracks = new TrackStore();
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
    const s = this.#tracks.get(d.device) ?? newDeviceTrack(d.device);
    for (const e of d.events) pushPoint(s, toTrackPoint(e), this.#cfg, this.#out);
    this.#tracks.set(s);
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
    const tracks = this.#tracks;
    for (const id of tracks.devices()) {
      // Most devices have nothing to advance: checked on the compact slot, no objects built.
      if (tracks.needsAdvance(id, windowEnd, this.#cfg)) {
        const s = tracks.get(id)!;
        advanceTrack(s, windowEnd, this.#cfg, out);
        if (isIdle(s, windowEnd, this.#cfg)) tracks.delete(id);
        else tracks.set(s);
      } else if (tracks.isIdle(id, windowEnd, this.#cfg)) {
        tracks.delete(id);
      }
    }
    return this.#records(out, windowEnd);
  }

  finish(): readonly MobilityRecord[] {
    return this.finishSome(Infinity).out;
  }

  /**
   * Ends the open stays of up to `maxDevices` devices (in the store's order); their trips count in
   * the hourly OD, which is published whole with the last part (as `finish` publishes it).
   */
  finishSome(maxDevices: number): { out: readonly MobilityRecord[]; done: boolean } {
    const out: TrackOutput = { stays: [], trips: [] };
    let n = 0;
    for (const id of this.#tracks.devices()) {
      if (n++ >= maxDevices) break;
      finishTrack(this.#tracks.get(id)!, this.#cfg, out);
      this.#tracks.delete(id);
    }
    const done = this.#tracks.size === 0;
    const recs = this.#collect(out);
    if (done) for (const row of this.#od.publish(Infinity)) recs.push({ table: 'od_h3_hourly', row });
    return { out: recs, done };
  }

  /** The tracks in columns (may share pending-excursion points with the live state: encode it before the next window). */
  snapshot(): MobilitySnapshot {
    return { store: this.#tracks.snapshot(), od: this.#od.snapshot(), now: this.#now };
  }

  restore(state: unknown): void {
    const s = structuredClone(state) as MobilitySnapshot;
    if (s.store) {
      this.#tracks.restore(s.store);
    } else {
      this.#tracks.clear();
      for (const t of s.tracks ?? []) this.#tracks.set(t);
    }
    this.#od.restore(s.od);
    this.#now = s.now;
  }

  #records(out: TrackOutput, now: number): MobilityRecord[] {
    const recs = this.#collect(out);
    for (const row of this.#od.publish(now)) recs.push({ table: 'od_h3_hourly', row });
    return recs;
  }

  /** Stays and trips as records; the trips counted in the hourly OD. */
  #collect(out: TrackOutput): MobilityRecord[] {
    const recs: MobilityRecord[] = [];
    for (const row of out.stays) recs.push({ table: 'stays', row });
    for (const row of out.trips) {
      this.#od.add(row);
      recs.push({ table: 'trips', row });
    }
    return recs;
  }
}

import { feedWindow } from '../../src/window/device-window.ts';
import { decodeState, encodeState } from '../../src/core/state-codec.ts';
import { latLngToCell } from 'h3-js';
import type { LocatedEvent } from '../../schemas/events.ts';
import { groupDeviceWindows } from '../../src/mobility/batch/group-device-windows.ts';
import type { MobilityConfig } from '../../src/mobility/engine/mobility-config.ts';
import { createMobilityConsumer } from '../../src/mobility/plugin/create-mobility-consumer.ts';
import type { MobilityRecord } from '../../src/mobility/plugin/mobility-record.ts';
import type { OdHourRow } from '../../src/mobility/engine/od-hour-row.ts';
import type { Stay } from '../../src/mobility/engine/stay.ts';
import type { StayPlacer } from '../../src/locate/stay-placer.ts';
import type { Trip } from '../../src/mobility/engine/trip.ts';

export const M = 60_000;
export const H = 3_600_000;
/** 08:00 UTC on Monday 2 March 2026. */
export const T0 = Date.UTC(2026, 2, 2, 0, 0);
const LAT0 = 45.46, LNG0 = 9.19;
const M_PER_DEG_LAT = 111_195;

/** The res-9 H3 cell `eastKm` east and `northKm` north of a point in Milan. */
export function cellAt(eastKm: number, northKm = 0): string {
  const lat = LAT0 + (northKm * 1000) / M_PER_DEG_LAT;
  const lng = LNG0 + (eastKm * 1000) / (M_PER_DEG_LAT * Math.cos((LAT0 * Math.PI) / 180));
  return latLngToCell(lat, lng, 9);
}

/** [hh:mm or minutes since T0, cell, kind] → a located event of device `d`. */
export type Ev = [at: string | number, h3: string, kind?: string];

/** Epoch ms of "hh:mm" on the first day (or "d+1 hh:mm"), or T0 + minutes. */
export function at(t: string | number): number {
  if (typeof t === 'number') return T0 + t * M;
  const m = /^(?:d\+(\d) )?(\d\d):(\d\d)$/.exec(t);
  if (!m) throw new Error(`bad time ${t}`);
  return T0 + Number(m[1] ?? 0) * 24 * H + Number(m[2]) * H + Number(m[3]) * M;
}

export function events(device: string, evs: Ev[]): LocatedEvent[] {
  return evs.map(([t, h3, kind]) => ({ ts: at(t), device, h3, kind: kind ?? 'tau' }));
}

export interface RunResult {
  stays: Stay[];
  trips: Trip[];
  od: OdHourRow[];
  records: MobilityRecord[];
}

/** Drives a fresh mobility consumer the way a pipeline does: windows in order, then finish. */
export function runConsumer(evs: LocatedEvent[], opts: { windowMs?: number; config?: MobilityConfig; restoreEvery?: number; placer?: StayPlacer } = {}): RunResult {
  const factory = createMobilityConsumer(opts.config, opts.placer);
  let consumer = factory();
  const records: MobilityRecord[] = [];
  let n = 0;
  for (const w of groupDeviceWindows(evs, opts.windowMs ?? 15 * M)) {
    records.push(...(feedWindow(consumer, w.windowStart, w.windowEnd, w.devices) as MobilityRecord[]));
    if (opts.restoreEvery && ++n % opts.restoreEvery === 0) {
      // A restart: a fresh consumer from the checkpoint, encoded as the pipeline stores it.
      const state = decodeState(encodeState(consumer.snapshot()));
      consumer = factory();
      consumer.restore(state);
    }
  }
  records.push(...((consumer.finish?.() ?? []) as MobilityRecord[]));
  return split(records);
}

export function split(records: MobilityRecord[]): RunResult {
  const r: RunResult = { stays: [], trips: [], od: [], records };
  for (const x of records) {
    if (x.table === 'stays') r.stays.push(x.row);
    else if (x.table === 'trips') r.trips.push(x.row);
    else r.od.push(x.row);
  }
  return r;
}

/** Minutes since T0 of an epoch ms, for compact assertions. */
export const min = (t: number) => (t - T0) / M;

/** A generated day: per device, places (km on a grid) with stay minutes, event gap, ping-pong, fixes. */
export type GenDay = { places: { x: number; y: number; stayMin: number }[]; gapMin: number; pingPong: boolean; fixes: boolean }[];

/** The located events of a generated day: handovers every 2 min on moves, periodic events at stays. */
export function dayEvents(day: GenDay): LocatedEvent[] {
  const out: LocatedEvent[] = [];
  day.forEach((d, di) => {
    const device = `dev${di}`;
    let t = T0 + 6 * 60 * M;
    let prev: { x: number; y: number } | null = null;
    for (const p of d.places) {
      if (prev) {
        // Move: a handover every 2 min along the straight line.
        const steps = Math.max(1, Math.round(Math.hypot(p.x - prev.x, p.y - prev.y) * 2));
        for (let i = 1; i <= steps; i++) {
          t += 2 * M;
          out.push({ ts: t, device, h3: cellAt(prev.x + ((p.x - prev.x) * i) / steps, prev.y + ((p.y - prev.y) * i) / steps), kind: 'handover' });
        }
      }
      const end = t + p.stayMin * M;
      for (let s = t + M; s < end; s += d.gapMin * M) {
        out.push({ ts: s, device, h3: cellAt(p.x, p.y), kind: d.fixes && (s / M) % 3 === 0 ? 'fix' : 'tau' });
        if (d.pingPong && s + 90_000 < end) {
          out.push({ ts: s + 30_000, device, h3: cellAt(p.x + 1.2, p.y), kind: 'handover' });
          out.push({ ts: s + 90_000, device, h3: cellAt(p.x, p.y), kind: 'handover' });
        }
      }
      t = end;
      prev = p;
    }
  });
  return out;
}


import type { Corridor } from './corridor.ts';
import type { CorridorBin } from './corridor-bin.ts';
import type { Hop } from './hop.ts';
import { percentile } from './percentile.ts';
import type { ResolvedTrafficConfig } from './traffic-config.ts';

/** One device's speed over its hops along a corridor in one bin. */
export interface DeviceCorridorSpeed {
  device: string;
  binStart: number;
  /** Entry time of the device's first hop along the corridor in the bin. */
  firstTs: number;
  speedKmh: number;
}

/**
 * The hops of `hops` that run along `corridor` (prev, cell, next at increasing corridor positions,
 * skipping at most one cell each step), per device and bin of the entry time: speed = Σ distance
 * between the two timed boundaries / Σ time.
 */
export function corridorDeviceSpeeds(corridor: Corridor, hops: readonly Hop[], binMs: number): DeviceCorridorSpeed[] {
  const pos = new Map(corridor.cells.map((c, i) => [c, i]));
  // Per device, then per bin (no joined string key per hop); `acc` keeps the order of first sight.
  const byDevice = new Map<string, Map<number, { device: string; binStart: number; firstTs: number; m: number; ms: number }>>();
  const acc: { device: string; binStart: number; firstTs: number; m: number; ms: number }[] = [];
  for (const h of hops) {
    const a = pos.get(h.prev), b = pos.get(h.h3), c = pos.get(h.next);
    if (a === undefined || b === undefined || c === undefined) continue;
    if (!(b - a >= 1 && b - a <= 2 && c - b >= 1 && c - b <= 2)) continue;
    const m = corridor.entriesM[c]! - corridor.entriesM[b]!, ms = h.exitTs - h.enterTs;
    if (!(m > 0 && ms > 0)) continue;
    const binStart = Math.floor(h.enterTs / binMs) * binMs;
    let bins = byDevice.get(h.device);
    if (!bins) byDevice.set(h.device, (bins = new Map()));
    let x = bins.get(binStart);
    if (!x) bins.set(binStart, (x = { device: h.device, binStart, firstTs: h.enterTs, m: 0, ms: 0 })), acc.push(x);
    x.firstTs = Math.min(x.firstTs, h.enterTs);
    x.m += m;
    x.ms += ms;
  }
  return acc.map((x) => ({ device: x.device, binStart: x.binStart, firstTs: x.firstTs, speedKmh: (x.m / x.ms) * 3_600 }));
}

/**
 * Flow, speed, travel time and congestion of a corridor per bin (docs/traffic.md): devices crossing
 * at least three corridor cells in order; walkers (< `walkMaxKmh`, unless `vehicle` says the device
 * drove fast before and after: a car in a jam) and rail (> `maxKmh`) apart;
 * median speed over ≥ `minDevices` devices; free flow = the 85th percentile of night-time device
 * speeds (else the declared free flow, else the 85th percentile of all); congestion = 1 − speed / free flow.
 */
export function corridorBins(
  corridor: Corridor,
  hops: readonly Hop[],
  cfg: ResolvedTrafficConfig,
  expansion = 1,
  vehicle: (device: string, ts: number) => boolean = () => false,
): CorridorBin[] {
  const speeds = corridorDeviceSpeeds(corridor, hops, cfg.binMs);
  const isRoad = (s: DeviceCorridorSpeed) => s.speedKmh <= cfg.maxKmh && (s.speedKmh >= cfg.walkMaxKmh || vehicle(s.device, s.firstTs));
  const road = speeds.filter(isRoad);
  const freeFlowKmh = freeFlow(corridor, road, cfg);
  const bins = new Map<number, { road: number[]; walkers: number }>();
  for (const s of speeds) {
    let b = bins.get(s.binStart);
    if (!b) bins.set(s.binStart, (b = { road: [], walkers: 0 }));
    if (isRoad(s)) b.road.push(s.speedKmh);
    else if (s.speedKmh < cfg.walkMaxKmh) b.walkers++;
  }
  const out: CorridorBin[] = [];
  for (const [binStart, b] of [...bins].sort((x, y) => x[0] - y[0])) {
    const n = b.road.length;
    const speed = n >= cfg.minDevices ? percentile(b.road, 0.5) : null;
    out.push({
      corridor: corridor.id, binStart, binMs: cfg.binMs, flow: n, flowExpanded: n * expansion, speedDevices: n,
      speedKmh: speed, travelTimeS: speed === null ? null : corridor.lengthM / (speed / 3.6),
      freeFlowKmh, congestion: speed === null || freeFlowKmh === null ? null : Math.max(0, 1 - speed / freeFlowKmh),
      walkers: b.walkers,
    });
  }
  return out;
}

function freeFlow(corridor: Corridor, road: readonly DeviceCorridorSpeed[], cfg: ResolvedTrafficConfig): number | null {
  const [h0, h1] = cfg.nightHours;
  const night = road.filter((s) => {
    const h = new Date(s.binStart).getUTCHours();
    return h >= h0 && h < h1;
  });
  if (night.length >= cfg.minNightSpeeds) return percentile(night.map((s) => s.speedKmh), 0.85);
  if (corridor.freeFlowKmh !== null) return corridor.freeFlowKmh;
  return road.length >= cfg.minDevices ? percentile(road.map((s) => s.speedKmh), 0.85) : null;
}

import type { DuckDBConnection } from '@duckdb/node-api';
import { loadHops } from '../duckdb/load-hops.ts';
import type { Corridor } from '../engine/corridor.ts';
import type { CorridorBin } from '../engine/corridor-bin.ts';
import { corridorBins } from '../engine/corridor-bins.ts';
import { learnCorridors } from '../engine/learn-corridors.ts';
import type { SlowdownAlert } from '../engine/slowdown-alert.ts';
import { detectSlowdowns } from '../engine/slowdown-detector.ts';
import { resolveTrafficConfig, type TrafficConfig } from '../engine/traffic-config.ts';
import { vehicleHours } from '../engine/vehicle-hours.ts';
import { HopIndex } from '../engine/hop-index.ts';

/** What {@link buildTraffic} computes from `traffic_hops`. */
export interface TrafficResult {
  corridors: Corridor[];
  /** Bins at the requested size (`config.binMs`) within [from, to). */
  bins: CorridorBin[];
  /** 5-minute bins within [from, to): the base of the flow release. */
  bins5: CorridorBin[];
  /** Slowdown alert events on the requested bins. */
  alerts: SlowdownAlert[];
  hops: number;
}

/** Options of {@link buildTraffic}. */
export interface TrafficBuildOptions {
  /** Declared corridors; learned from the hops when absent. */
  corridors?: Corridor[];
  /** Bins starting at or after `from` and before `to`, epoch ms. */
  from?: number;
  to?: number;
  config?: TrafficConfig;
  /** Devices → people or vehicles (flow_expanded = flow × expansion). [1] */
  expansion?: number;
}

/**
 * Corridors (declared, or learned from every hop), their flow, speed, travel time and congestion per
 * bin, and slowdown alerts — from the `traffic_hops` table. Free flow uses every hop in the table
 * (night speeds), bins are kept within [from, to). A device that drove faster than twice walking
 * pace within 30 minutes before and within 30 minutes after counts as traffic even when it crawls
 * (a jam), not as a walker.
 */
export async function buildTraffic(conn: DuckDBConnection, opts: TrafficBuildOptions = {}): Promise<TrafficResult> {
  const cfg = resolveTrafficConfig(opts.config);
  const cfg5 = { ...cfg, binMs: 300_000 };
  const hops = await loadHops(conn);
  const corridors = opts.corridors ?? learnCorridors(hops, cfg).map((l) => l.corridor);
  const vehicle = vehicleHours(hops, 2 * cfg.walkMaxKmh);
  const inRange = (b: CorridorBin) => (opts.from === undefined || b.binStart >= opts.from) && (opts.to === undefined || b.binStart < opts.to);
  const bins: CorridorBin[] = [], bins5: CorridorBin[] = [];
  const index = new HopIndex(hops);
  for (const c of corridors) {
    const on = index.alongCorridor(c);
    const cb = corridorBins(c, on, cfg, opts.expansion, vehicle).filter(inRange);
    bins.push(...cb);
    bins5.push(...(cfg.binMs === 300_000 ? cb : corridorBins(c, on, cfg5, opts.expansion, vehicle).filter(inRange)));
  }
  return { corridors, bins, bins5, alerts: detectSlowdowns(bins, cfg), hops: hops.length };
}

import type { DuckDBConnection } from '@duckdb/node-api';
import { checkK } from '../../outputs/export/k-anonymity.ts';
import type { Corridor } from '../engine/corridor.ts';
import type { SlowdownAlert } from '../engine/slowdown-alert.ts';
import { buildTraffic } from './build-traffic.ts';
import { releaseTrafficFlows } from './release-traffic.ts';
import type { TrafficExportRow } from './traffic-export-row.ts';

/** Options of {@link buildTrafficExport}. */
export interface TrafficExportOptions {
  corridors?: Corridor[];
  from?: number;
  to?: number;
  /** 5 or 15 minutes, in ms. [300000] */
  binMs?: number;
  k: number;
  /** flow_expanded = flow × expansion. [1] */
  expansion?: number;
}

/** The released traffic: rows, the corridors they refer to, and what was withheld. */
export interface TrafficExport {
  rows: TrafficExportRow[];
  corridors: Corridor[];
  /** Corridor-bins with devices whose flow was withheld (below k, or to stay differencing-safe). */
  withheldBins: number;
  hops: number;
  /** Slowdown alert events on the bins, `devices` set to null below k. */
  alerts: (Omit<SlowdownAlert, 'devices'> & { devices: number | null })[];
}

/**
 * Released traffic per corridor and bin: flows from the differencing-safe release (every flow ≥ k;
 * {@link releaseTrafficFlows}); a bin whose flow is withheld is left out entirely (its speed too,
 * since it would describe fewer than k devices). Rows by corridor, then bin.
 */
export async function buildTrafficExport(conn: DuckDBConnection, opts: TrafficExportOptions): Promise<TrafficExport> {
  const k = checkK(opts.k);
  const binMs = opts.binMs ?? 300_000;
  const res = await buildTraffic(conn, { corridors: opts.corridors, from: opts.from, to: opts.to, config: { binMs }, expansion: opts.expansion });
  const released = releaseTrafficFlows(res.bins5, binMs, k);
  const rows: TrafficExportRow[] = [];
  let withheld = 0;
  for (const b of res.bins) {
    const flow = released.get(b.corridor)?.get(b.binStart);
    if (flow === undefined) {
      if (b.flow > 0) withheld++;
      continue;
    }
    rows.push({
      corridor: b.corridor, binStart: b.binStart, binMinutes: binMs / 60_000, flow, flowExpanded: flow * (opts.expansion ?? 1),
      speedKmh: b.speedKmh, travelTimeS: b.travelTimeS, freeFlowKmh: b.freeFlowKmh, congestion: b.congestion,
    });
  }
  rows.sort((a, b) => (a.corridor < b.corridor ? -1 : a.corridor > b.corridor ? 1 : a.binStart - b.binStart));
  const alerts = res.alerts.map((a) => ({ ...a, devices: a.devices >= k ? a.devices : null }));
  return { rows, corridors: res.corridors, withheldBins: withheld, hops: res.hops, alerts };
}

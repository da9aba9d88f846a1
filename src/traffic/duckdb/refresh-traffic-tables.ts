import type { DuckDBConnection } from '@duckdb/node-api';
import { valueCodec } from '../../outputs/duckdb/value-codec.ts';
import { appendNullableDouble, withAppender } from '../../outputs/duckdb/with-appender.ts';
import type { Corridor } from '../engine/corridor.ts';
import type { CorridorBin } from '../engine/corridor-bin.ts';
import { corridorBins } from '../engine/corridor-bins.ts';
import { learnCorridors } from '../engine/learn-corridors.ts';
import type { SlowdownAlert } from '../engine/slowdown-alert.ts';
import { detectSlowdowns } from '../engine/slowdown-detector.ts';
import { resolveTrafficConfig, type TrafficConfig } from '../engine/traffic-config.ts';
import { vehicleHours } from '../engine/vehicle-hours.ts';
import { HopIndex } from '../engine/hop-index.ts';
import { loadHops } from './load-hops.ts';
import { ensureTrafficTables } from './write-hops.ts';

/** What {@link refreshTrafficTables} wrote. */
export interface TrafficRefresh {
  corridors: Corridor[];
  bins5: CorridorBin[];
  bins15: CorridorBin[];
  alerts: SlowdownAlert[];
}

/**
 * Rebuilds the derived traffic tables from `traffic_hops` in one transaction: `traffic_corridors`
 * (the given corridors, else learned), `traffic_corridor_bins` (5- and 15-minute bins) and
 * `traffic_alerts` (slowdowns on the 5-minute bins). Operator-side tables (not released); the
 * analyst query `traffic_corridors` and the exports read from them or from the hops.
 */
export async function refreshTrafficTables(conn: DuckDBConnection, corridors?: Corridor[], config: TrafficConfig = {}): Promise<TrafficRefresh> {
  await ensureTrafficTables(conn);
  const cfg5 = resolveTrafficConfig({ ...config, binMs: 300_000 }), cfg15 = { ...cfg5, binMs: 900_000 };
  const hops = await loadHops(conn);
  const cs = corridors ?? learnCorridors(hops, cfg5).map((l) => l.corridor);
  const vehicle = vehicleHours(hops, 2 * cfg5.walkMaxKmh);
  const index = new HopIndex(hops);
  const bins5: CorridorBin[] = [], bins15: CorridorBin[] = [];
  for (const c of cs) {
    const along = index.alongCorridor(c);
    bins5.push(...corridorBins(c, along, cfg5, 1, vehicle));
    bins15.push(...corridorBins(c, along, cfg15, 1, vehicle));
  }
  const alerts = detectSlowdowns(bins5, cfg5);
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run('DELETE FROM traffic_corridors; DELETE FROM traffic_corridor_bins; DELETE FROM traffic_alerts;');
    await withAppender(conn, 'traffic_corridors', (a) => {
      for (const c of cs) {
        a.appendVarchar(c.id);
        a.appendVarchar(c.source);
        a.appendVarchar(c.cells.join(','));
        a.appendVarchar(c.entriesM.map((x) => Math.round(x)).join(','));
        a.appendDouble(c.lengthM);
        if (c.freeFlowKmh === null) a.appendNull();
        else a.appendDouble(c.freeFlowKmh);
        a.appendVarchar(JSON.stringify(c.geometry));
        a.endRow();
      }
    });
    await withAppender(conn, 'traffic_corridor_bins', (a) => {
      for (const b of [...bins5, ...bins15]) {
        a.appendVarchar(b.corridor);
        valueCodec.appendTimestampTZ(a, b.binStart);
        a.appendInteger(b.binMs / 60_000);
        a.appendInteger(b.flow);
        a.appendInteger(b.speedDevices);
        appendNullableDouble(a, b.speedKmh);
        appendNullableDouble(a, b.travelTimeS);
        appendNullableDouble(a, b.freeFlowKmh);
        appendNullableDouble(a, b.congestion);
        a.endRow();
      }
    });
    await withAppender(conn, 'traffic_alerts', (a) => {
      for (const x of alerts) {
        a.appendVarchar(x.alertId);
        a.appendInteger(x.seq);
        a.appendVarchar(x.corridor);
        a.appendVarchar(x.kind);
        a.appendVarchar(x.state);
        valueCodec.appendTimestampTZ(a, x.binStart);
        valueCodec.appendTimestampTZ(a, x.openedBin);
        appendNullableDouble(a, x.speedKmh);
        appendNullableDouble(a, x.freeFlowKmh);
        appendNullableDouble(a, x.congestion);
        a.appendInteger(x.devices);
        a.appendVarchar(x.message);
        a.endRow();
      }
    });
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
  return { corridors: cs, bins5, bins15, alerts };
}

import { writeFile } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { valueCodec } from '../../outputs/duckdb/value-codec.ts';
import { appendNullableDouble, withAppender } from '../../outputs/duckdb/with-appender.ts';
import type { Corridor } from '../engine/corridor.ts';
import type { TrafficExportRow } from './traffic-export-row.ts';

/** The formats of `citypulse export traffic`. */
export const TRAFFIC_FORMATS = ['csv', 'parquet', 'geojson'] as const;
export type TrafficFormat = (typeof TRAFFIC_FORMATS)[number];

/** Columns of the CSV and Parquet exports, in order. */
export const TRAFFIC_COLUMNS = ['corridor', 'bin_start', 'bin_minutes', 'flow', 'flow_expanded', 'speed_kmh', 'travel_time_s', 'free_flow_kmh', 'congestion'] as const;

const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');
const num = (x: number | null, d: number) => (x === null ? '' : String(Math.round(x * 10 ** d) / 10 ** d));

/** CSV with {@link TRAFFIC_COLUMNS}; `bin_start` RFC 3339 UTC; empty speed/travel time/congestion when unknown. */
export function trafficToCsv(rows: readonly TrafficExportRow[]): string {
  const lines: string[] = [TRAFFIC_COLUMNS.join(',')];
  for (const r of rows) {
    const id = /[",\n]/.test(r.corridor) ? `"${r.corridor.replaceAll('"', '""')}"` : r.corridor;
    lines.push([id, iso(r.binStart), r.binMinutes, r.flow, num(r.flowExpanded, 2), num(r.speedKmh, 1), num(r.travelTimeS, 0), num(r.freeFlowKmh, 1), num(r.congestion, 3)].join(','));
  }
  return lines.join('\n') + '\n';
}

/** GeoJSON: one LineString feature per corridor-bin, with the corridor's geometry and the row's figures. */
export function trafficToGeoJson(rows: readonly TrafficExportRow[], corridors: readonly Corridor[]): object {
  const geom = new Map(corridors.map((c) => [c.id, c.geometry]));
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      geometry: geom.get(r.corridor) ?? null,
      properties: {
        corridor: r.corridor, bin_start: iso(r.binStart), bin_minutes: r.binMinutes, flow: r.flow, flow_expanded: r.flowExpanded,
        speed_kmh: r.speedKmh, travel_time_s: r.travelTimeS, free_flow_kmh: r.freeFlowKmh, congestion: r.congestion,
      },
    })),
  };
}

/** Writes released traffic rows in `format` to `path`; Parquet goes through DuckDB (same columns as the CSV). */
export async function writeTraffic(rows: readonly TrafficExportRow[], corridors: readonly Corridor[], format: TrafficFormat, path: string, conn: DuckDBConnection): Promise<void> {
  const writers: Record<TrafficFormat, () => Promise<void>> = {
    csv: () => writeFile(path, trafficToCsv(rows)),
    geojson: () => writeFile(path, JSON.stringify(trafficToGeoJson(rows, corridors)) + '\n'),
    parquet: async () => {
      await conn.run(`CREATE OR REPLACE TEMP TABLE traffic_export (corridor VARCHAR, bin_start TIMESTAMPTZ, bin_minutes INTEGER, flow INTEGER,
        flow_expanded DOUBLE, speed_kmh DOUBLE, travel_time_s DOUBLE, free_flow_kmh DOUBLE, congestion DOUBLE)`);
      await withAppender(conn, 'traffic_export', (a) => {
        for (const r of rows) {
          a.appendVarchar(r.corridor);
          valueCodec.appendTimestampTZ(a, r.binStart);
          a.appendInteger(r.binMinutes);
          a.appendInteger(r.flow);
          a.appendDouble(r.flowExpanded);
          appendNullableDouble(a, r.speedKmh);
          appendNullableDouble(a, r.travelTimeS);
          appendNullableDouble(a, r.freeFlowKmh);
          appendNullableDouble(a, r.congestion);
          a.endRow();
        }
      }, 'main', 'temp');
      await conn.run(`COPY (SELECT * FROM temp.traffic_export) TO '${path.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
      await conn.run('DROP TABLE temp.traffic_export');
    },
  };
  await writers[format]();
}

import { writeFile } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import { valueCodec } from '../../outputs/duckdb/value-codec.ts';
import { withAppender } from '../../outputs/duckdb/with-appender.ts';
import type { OdBy } from '../engine/od-cell.ts';
import type { OdExportRow } from './od-export-row.ts';

/** The formats of `citypulse export od`. */
export const OD_FORMATS = ['csv', 'parquet', 'geojson'] as const;
export type OdFormat = (typeof OD_FORMATS)[number];

const periodColumn: Record<OdBy, string | null> = { hour: 'departure_hour', day: 'departure_day', total: null };

function periodText(by: OdBy, t: number | null): string {
  if (t === null) return '';
  const iso = new Date(t).toISOString();
  return by === 'day' ? iso.slice(0, 10) : iso.replace('.000Z', 'Z');
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * CSV: `origin,destination[,departure_hour|departure_day],trips,trips_expanded,origin_lat,origin_lng,
 * destination_lat,destination_lng` — the last four are what Kepler.gl's arc layer reads.
 * `departure_hour` is the RFC 3339 start of the hour (UTC).
 */
export function odToCsv(rows: readonly OdExportRow[], by: OdBy): string {
  const p = periodColumn[by];
  const head = ['origin', 'destination', ...(p ? [p] : []), 'trips', 'trips_expanded', 'origin_lat', 'origin_lng', 'destination_lat', 'destination_lng'];
  const lines = [head.join(',')];
  for (const r of rows) {
    lines.push([
      csv(r.origin), csv(r.destination), ...(p ? [periodText(by, r.period)] : []), r.trips, r.tripsExpanded,
      round6(r.originLat), round6(r.originLng), round6(r.destinationLat), round6(r.destinationLng),
    ].join(','));
  }
  return lines.join('\n') + '\n';
}

/** GeoJSON: a LineString per flow from the origin's centroid to the destination's (a Point for flows within one zone). */
export function odToGeoJson(rows: readonly OdExportRow[], by: OdBy): object {
  const p = periodColumn[by];
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      geometry: r.origin === r.destination
        ? { type: 'Point', coordinates: [round6(r.originLng), round6(r.originLat)] }
        : { type: 'LineString', coordinates: [[round6(r.originLng), round6(r.originLat)], [round6(r.destinationLng), round6(r.destinationLat)]] },
      properties: { origin: r.origin, destination: r.destination, ...(p ? { [p]: periodText(by, r.period) } : {}), trips: r.trips, trips_expanded: r.tripsExpanded },
    })),
  };
}

/** Writes released OD rows in `format` to `path`; Parquet goes through DuckDB (same columns as the CSV). */
export async function writeOd(rows: readonly OdExportRow[], by: OdBy, format: OdFormat, path: string, conn: DuckDBConnection): Promise<void> {
  const writers: Record<OdFormat, () => Promise<void>> = {
    csv: () => writeFile(path, odToCsv(rows, by)),
    geojson: () => writeFile(path, JSON.stringify(odToGeoJson(rows, by)) + '\n'),
    parquet: async () => {
      const p = periodColumn[by];
      await conn.run(`CREATE OR REPLACE TEMP TABLE od_export (origin VARCHAR, destination VARCHAR, period TIMESTAMPTZ, trips INTEGER,
        trips_expanded DOUBLE, origin_lat DOUBLE, origin_lng DOUBLE, destination_lat DOUBLE, destination_lng DOUBLE)`);
      await withAppender(conn, 'od_export', (a) => {
        for (const r of rows) {
          a.appendVarchar(r.origin);
          a.appendVarchar(r.destination);
          if (r.period === null) a.appendNull();
          else valueCodec.appendTimestampTZ(a, r.period);
          a.appendInteger(r.trips);
          a.appendDouble(r.tripsExpanded);
          a.appendDouble(r.originLat);
          a.appendDouble(r.originLng);
          a.appendDouble(r.destinationLat);
          a.appendDouble(r.destinationLng);
          a.endRow();
        }
      }, 'main', 'temp');
      const cols = `origin, destination, ${p ? `${by === 'day' ? 'period::DATE' : 'period'} AS ${p}, ` : ''}trips, trips_expanded, origin_lat, origin_lng, destination_lat, destination_lng`;
      await conn.run(`COPY (SELECT ${cols} FROM temp.od_export) TO '${path.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
      await conn.run('DROP TABLE temp.od_export');
    },
  };
  await writers[format]();
}

function csv(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

import { writeFile } from 'node:fs/promises';
import { cellToBoundary, cellToLatLng } from 'h3-js';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { HeatmapCell } from './heatmap-query.ts';
import { valueCodec } from '../duckdb/value-codec.ts';
import { withAppender } from '../duckdb/with-appender.ts';

/** The export formats of `citypulse export heatmap`. */
export const HEATMAP_FORMATS = ['geojson', 'csv', 'parquet'] as const;
export type HeatmapFormat = (typeof HEATMAP_FORMATS)[number];

/** GeoJSON FeatureCollection: one hexagon polygon per (window, cell), properties h3, window_start, present. */
export function heatmapToGeoJson(cells: readonly HeatmapCell[], attribution?: string): object {
  return {
    type: 'FeatureCollection',
    ...(attribution ? { attribution } : {}),
    features: cells.map((c) => ({
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [closeRing(cellToBoundary(c.h3, true))] },
      properties: {
        h3: c.h3,
        res: c.res,
        window_start: new Date(c.windowStart).toISOString(),
        window_end: new Date(c.windowEnd).toISOString(),
        present: c.present,
      },
    })),
  };
}

function closeRing(ring: number[][]): number[][] {
  const round = ring.map(([x, y]) => [Math.round(x! * 1e7) / 1e7, Math.round(y! * 1e7) / 1e7]);
  const [f, l] = [round[0]!, round[round.length - 1]!];
  if (f[0] !== l[0] || f[1] !== l[1]) round.push([...f]);
  return round;
}

/** CSV with a header: window_start,window_end,h3,hex_id,res,lat,lng,present (hex_id for Kepler.gl). */
export function heatmapToCsv(cells: readonly HeatmapCell[]): string {
  const out = ['window_start,window_end,h3,hex_id,res,lat,lng,present'];
  for (const c of cells) {
    const [lat, lng] = cellToLatLng(c.h3);
    out.push(
      `${new Date(c.windowStart).toISOString()},${new Date(c.windowEnd).toISOString()},${c.h3},${c.h3},${c.res},${lat.toFixed(6)},${lng.toFixed(6)},${c.present}`,
    );
  }
  return out.join('\n') + '\n';
}

/** Writes cells in `format` to `path`. Parquet goes through DuckDB (`conn` required). */
export async function writeHeatmap(cells: readonly HeatmapCell[], format: HeatmapFormat, path: string, conn?: DuckDBConnection, attribution?: string): Promise<void> {
  const writers: Record<HeatmapFormat, () => Promise<void>> = {
    geojson: () => writeFile(path, JSON.stringify(heatmapToGeoJson(cells, attribution)) + '\n'),
    csv: () => writeFile(path, heatmapToCsv(cells)),
    parquet: async () => {
      if (!conn) throw new Error('parquet export needs a DuckDB connection');
      await conn.run('CREATE OR REPLACE TEMP TABLE heatmap_export (window_start TIMESTAMPTZ, window_end TIMESTAMPTZ, h3 VARCHAR, res UTINYINT, present INTEGER)');
      await withAppender(
        conn,
        'heatmap_export',
        (a) => {
          for (const c of cells) {
            valueCodec.appendTimestampTZ(a, c.windowStart);
            valueCodec.appendTimestampTZ(a, c.windowEnd);
            a.appendVarchar(c.h3);
            a.appendUTinyInt(c.res);
            a.appendInteger(c.present);
            a.endRow();
          }
        },
        'main',
        'temp',
      );
      await conn.run(`COPY heatmap_export TO '${path.replaceAll("'", "''")}' (FORMAT parquet, COMPRESSION zstd)`);
      await conn.run('DROP TABLE temp.heatmap_export');
    },
  };
  await writers[format]();
}

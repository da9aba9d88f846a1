import type { DuckDBConnection } from '@duckdb/node-api';
import { parseAreas } from '../../alerts/areas/parse-areas.ts';
import { readAreasFile } from '../../alerts/areas/read-areas-file.ts';
import type { WatchedArea } from '../../alerts/engine/watched-area.ts';
import { CitypulseError } from '../../core/citypulse-error.ts';
import { defaultForecasters } from '../forecast/default-forecasters.ts';
import { forecastSeries } from '../forecast/forecast-series.ts';
import { releasedForecast, type AreaForecast } from '../forecast/released-forecast.ts';
import { readAreaOccupancy } from './forecast-area-series.ts';

/** Where the area comes from: a watched-areas GeoJSON file, or a zone system loaded in the database. */
export type ForecastAreaSource = { areasFile: string } | { zones: string };

/** History a forecast reads: the 8 weeks of the historical average. */
const HISTORY_MS = 8 * 7 * 86_400_000;

/** The default zone system holding watched areas (`citypulse zones load areas.geojson --name areas`). */
export const DEFAULT_AREA_ZONES = 'areas';

/**
 * Finds watched area `id` (cells at the database's base resolution) in an areas file or a zone system.
 * @throws CitypulseError (usage) naming the file or zone system when there is no such area.
 */
export async function findForecastArea(conn: DuckDBConnection, source: ForecastAreaSource, id: string): Promise<WatchedArea> {
  const res = Number((await conn.runAndReadAll('SELECT coalesce(max(res), 9) FROM presence')).getRowsJS()[0]![0]);
  if ('areasFile' in source) {
    const area = (await readAreasFile(source.areasFile, res)).find((a) => a.id === id);
    if (!area) throw new CitypulseError(`no area with id "${id}" in ${source.areasFile}`, { kind: 'usage', parameter: 'area', file: source.areasFile });
    return area;
  }
  const hasZones = (await conn.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'zones'`)).getRowsJS()[0]![0];
  const g = Number(hasZones) === 0 ? [] : (await conn.runAndReadAll(
    'SELECT zone_name, geometry_geojson FROM zones WHERE zone_system = $s AND zone_id = $z', { s: source.zones, z: id },
  )).getRowsJS();
  if (g.length === 0) {
    throw new CitypulseError(`no area "${id}" in zone system "${source.zones}" (load watched areas with: citypulse zones load areas.geojson --name ${source.zones}; or give --areas FILE)`, { kind: 'usage', parameter: 'area' });
  }
  const feature = { type: 'Feature', geometry: JSON.parse(String(g[0]![1])), properties: { id, name: String(g[0]![0] ?? id), capacity: 1 } };
  return parseAreas({ type: 'FeatureCollection', features: [feature] }, { resolution: res })[0]!;
}

/**
 * The one-hour forecast of a watched area's occupancy from the released series (see
 * {@link readAreaOccupancy}), made at `at` (epoch ms: from the last slot ending at or before it;
 * default the last released slot) from the 8 weeks before it, every forecaster's value released only when ≥ k.
 */
export async function buildAreaForecast(conn: DuckDBConnection, options: { area: WatchedArea; k: number; at?: number }): Promise<AreaForecast> {
  // the forecasters look back at most 8 weeks: release only that much history
  const endRow = (await conn.runAndReadAll('SELECT epoch_ms(max(window_end))::DOUBLE FROM presence')).getRowsJS()[0]![0] as number | null;
  const end = options.at ?? endRow ?? 0;
  const series = await readAreaOccupancy(conn, options.area, { k: options.k, from: end - HISTORY_MS, to: options.at });
  let origin: number | undefined;
  if (options.at !== undefined) {
    origin = Math.floor((options.at - series.start) / series.stepMs) - 1;
    if (origin < 0) throw new CitypulseError(`--at ${new Date(options.at).toISOString()} is before the first window`, { kind: 'usage', parameter: 'at' });
    origin = Math.min(origin, series.values.length - 1);
  } else if (!series.values.some((v) => v !== null)) {
    throw new CitypulseError(`area ${options.area.id}: no window has a released count (every one is below k = ${options.k})`, { kind: 'usage', parameter: 'area' });
  }
  const horizons = Math.max(1, Math.round(3_600_000 / series.stepMs));
  const made = forecastSeries(series, defaultForecasters({ horizons }), { origin, horizons });
  return releasedForecast(series, made, options.k);
}

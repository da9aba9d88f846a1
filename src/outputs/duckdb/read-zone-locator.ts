import type { DuckDBConnection } from '@duckdb/node-api';
import type { MultiPolygon, Polygon } from 'geojson';
import { createZoneLocator, type ZoneLocator } from '../../zones/create-zone-locator.ts';

/**
 * The exact point-in-polygon locator of a loaded zone system, from the polygons `zones load` stored
 * in `zones.geometry_geojson` (zones in load order, so overlapping polygons resolve to the first zone,
 * as in `zone_cells`). Resolves to null when the system (or the `zones` table) is missing.
 */
export async function readZoneLocator(conn: DuckDBConnection, system: string): Promise<ZoneLocator | null> {
  const has = await conn.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'zones'`);
  if (Number(has.getRowsJS()[0]![0]) === 0) return null;
  const rows = (await conn.runAndReadAll('SELECT zone_id, geometry_geojson FROM zones WHERE zone_system = $z ORDER BY rowid', { z: system })).getRowsJS();
  if (rows.length === 0) return null;
  return createZoneLocator(rows.map(([id, g]) => ({ id: String(id), geometry: JSON.parse(String(g)) as Polygon | MultiPolygon })));
}

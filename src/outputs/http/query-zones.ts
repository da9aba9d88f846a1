import type { DuckDBConnection } from '@duckdb/node-api';
import { zoneAttribution } from './zone-attribution.ts';

/** A loaded zone system as the API lists it. */
export interface ZoneSystemInfo {
  name: string;
  zones: number;
  areaKm2: number;
  attribution?: string;
}

/** The zone systems in table `zones` (none when the table was never loaded). */
export async function listZoneSystems(conn: DuckDBConnection): Promise<ZoneSystemInfo[]> {
  const r = await conn.runAndReadAll(
    'SELECT zone_system, count(*)::INTEGER, sum(area_km2)::DOUBLE FROM zones GROUP BY zone_system ORDER BY zone_system',
  );
  return (r.getRowsJS() as [string, number, number][]).map(([name, zones, area]) => {
    const attribution = zoneAttribution(name);
    return { name, zones, areaKm2: Math.round(area * 1000) / 1000, ...(attribution ? { attribution } : {}) };
  });
}

/**
 * The outlines of one zone system as a GeoJSON FeatureCollection (properties `zone_id`, `zone_name`,
 * `area_km2`), coordinates rounded to 1e-5° (about a metre) to keep the response small.
 * Resolves to null when the system does not exist.
 */
export async function zoneOutlines(conn: DuckDBConnection, system: string): Promise<object | null> {
  const r = await conn.runAndReadAll('SELECT zone_id, zone_name, area_km2, geometry_geojson FROM zones WHERE zone_system = $system ORDER BY zone_id', { system });
  const rows = r.getRowsJS() as [string, string, number, string][];
  if (rows.length === 0) return null;
  const attribution = zoneAttribution(system);
  return {
    type: 'FeatureCollection',
    zone_system: system,
    ...(attribution ? { attribution } : {}),
    features: rows.map(([id, name, area, geometry]) => ({
      type: 'Feature',
      id,
      properties: { zone_id: id, zone_name: name, area_km2: area },
      geometry: roundGeometry(JSON.parse(geometry) as { type: string; coordinates: unknown }),
    })),
  };
}

function roundGeometry(g: { type: string; coordinates: unknown }): object {
  const round = (c: unknown): unknown => {
    if (typeof c === 'number') return Math.round(c * 1e5) / 1e5;
    if (!Array.isArray(c)) return c;
    if (c.length > 0 && Array.isArray(c[0]) && typeof c[0][0] === 'number') {
      // A ring: round its positions and drop the repeats rounding creates.
      const out: number[][] = [];
      for (const p of c as number[][]) {
        const q = p.map((v) => round(v) as number);
        const last = out[out.length - 1];
        if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
      }
      return out;
    }
    return c.map(round);
  };
  return { type: g.type, coordinates: round(g.coordinates) };
}

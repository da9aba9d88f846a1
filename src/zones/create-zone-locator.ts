import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';

/** A zone's id and its WGS84 polygon(s), as stored in `zones.geometry_geojson`. */
export interface LocatableZone {
  id: string;
  geometry: Polygon | MultiPolygon;
}

/** Maps a point (WGS84 degrees) to the id of the zone whose polygon contains it, or null. */
export type ZoneLocator = (lat: number, lng: number) => string | null;

interface Indexed {
  id: string;
  geometry: Polygon | MultiPolygon;
  minLng: number;
  minLat: number;
  maxLng: number;
  maxLat: number;
}

/**
 * Exact point-in-polygon zone lookup: a point belongs to the first zone (in the given order) whose
 * polygon contains it — holes excluded, a point on an edge counts as inside — unlike the
 * `zone_cells` lookup, which puts a point in the zone of the res-9 hexagon around it and so moves
 * points up to ~200 m across a border. Turf's booleanPointInPolygon (planar, in degrees: exact for
 * the polygons as drawn); bounding boxes prune the candidates, and results are memoised per point
 * (stay centres repeat at cell sites). Pure.
 * @example
 * const zoneOf = createZoneLocator([{ id: 'a', geometry: square }]);
 * zoneOf(45.46, 9.19); // 'a' or null
 */
export function createZoneLocator(zones: readonly LocatableZone[]): ZoneLocator {
  const index: Indexed[] = zones.map(({ id, geometry }) => {
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    let minLng = Infinity, minLat = Infinity, maxLng = -Infinity, maxLat = -Infinity;
    for (const poly of polygons) {
      for (const [x, y] of poly[0] ?? []) {
        if (x! < minLng) minLng = x!;
        if (x! > maxLng) maxLng = x!;
        if (y! < minLat) minLat = y!;
        if (y! > maxLat) maxLat = y!;
      }
    }
    return { id, geometry, minLng, minLat, maxLng, maxLat };
  });
  const memo = new Map<string, string | null>();
  return (lat, lng) => {
    const key = `${lat},${lng}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let found: string | null = null;
    for (const z of index) {
      if (lng < z.minLng || lng > z.maxLng || lat < z.minLat || lat > z.maxLat) continue;
      if (booleanPointInPolygon([lng, lat], z.geometry)) {
        found = z.id;
        break;
      }
    }
    if (memo.size > 1_000_000) memo.clear();
    memo.set(key, found);
    return found;
  };
}

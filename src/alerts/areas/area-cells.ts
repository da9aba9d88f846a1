import { centerOfMass } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { latLngToCell, polygonToCells } from 'h3-js';

/**
 * The H3 cells of a polygon at resolution `res`, by **cell-centre containment**: a cell belongs to
 * the area when its centre lies inside the polygon (outside every hole) — h3-js `polygonToCells`.
 * Parts of a MultiPolygon are unioned. An area too small to contain any cell centre gets the one
 * cell containing its centroid (centre of mass), so every area is watched.
 *
 * Returns the cells sorted, and whether the centroid fallback was used.
 * @example areaCells(stadium.geometry, 9) // { cells: ['891f9…', …], centroidFallback: false }
 */
export function areaCells(geometry: Polygon | MultiPolygon, res: number): { cells: string[]; centroidFallback: boolean } {
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const set = new Set<string>();
  for (const rings of parts) for (const c of polygonToCells(rings as number[][][], res, true)) set.add(c);
  if (set.size > 0) return { cells: [...set].sort(), centroidFallback: false };
  const [lon, lat] = centerOfMass(geometry).geometry.coordinates as [number, number];
  return { cells: [latLngToCell(lat, lon, res)], centroidFallback: true };
}

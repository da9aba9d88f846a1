import type { MultiPolygon, Polygon } from 'geojson';

/** One zone read from a zones file: its id, name and (checked, rings closed) WGS84 geometry. */
export interface ZoneFeature {
  /** 1-based position in the file, for messages. */
  index: number;
  /** Unique within the file (the id property as text). */
  id: string;
  name: string;
  geometry: Polygon | MultiPolygon;
  /** Geodesic area of the polygon(s), km². */
  areaKm2: number;
}

import type { MultiPolygon, Polygon } from 'geojson';
import type { MetricPolygon } from '../geo/metric-polygon.ts';

/** The venue zones a generated city carves out for the default scenarios. */
export type VenueKind = 'stadium' | 'square';

/** One zone of the simulated city (a district, a suburb, a venue). */
export interface Zone {
  /** Stable id: the feature's `id`, or its `id`/`ID`/`ID_NIL`/`zone_id` property, as a string. */
  id: string;
  /** Display name: the `name`/`NAME`/`NIL`/`nome` property, else the id. */
  name: string;
  /** The zone outline, WGS84. */
  polygon: Polygon | MultiPolygon;
  /** Share of residents living here (all zones sum to 1). */
  weight: number;
  /** Share of workplaces and schools here (all zones sum to 1). */
  jobs: number;
  /** Share of leisure and errand destinations here (all zones sum to 1). */
  leisure: number;
  /** Set on venue zones of a generated city. */
  venue?: VenueKind;
  /** Area-weighted centroid, WGS84. */
  center: { lat: number; lon: number };
  /** Area in m². */
  areaM2: number;
  /** The outline in the city's metric frame. */
  shape: MetricPolygon;
  /** A pool of points inside the zone (metres, `[x0, y0, x1, y1, …]`) used as shops, bars, offices. */
  places: Float64Array;
}

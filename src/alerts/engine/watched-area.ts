import type { AlertLevel } from '../../../schemas/alert.ts';

/**
 * A place the alerting engine watches: a polygon turned into H3 cells at the base resolution, with
 * its capacity and optional overrides. Built by {@link parseAreas} from a GeoJSON feature.
 */
export interface WatchedArea {
  /** Stable id (the feature's `id` property, else its GeoJSON `id`). Part of every alert_id. */
  id: string;
  /** Display name (`name` property; default the id). */
  name: string;
  /** Capacity in people (`capacity` property). Capacity levels are fractions of it. */
  capacity: number;
  /** Per-area level fractions of capacity (`levels` property), over the engine's defaults. */
  levels?: Partial<Record<AlertLevel, number>>;
  /** People per present device (`scale` property), overriding the engine's `peoplePerDevice`. */
  scale?: number;
  /** Density limit, people/km² (`density_limit` property); density alerts only for areas with one. */
  densityLimit?: number;
  /** H3 cells (hex) at {@link resolution}, sorted; never empty. */
  cells: readonly string[];
  /** H3 resolution of {@link cells}: the pipeline's base resolution. */
  resolution: number;
  /** Total area of {@link cells}, km² (h3 cellArea). Densities divide by it. */
  areaKm2: number;
  /** True when the polygon contained no cell centre and {@link cells} is the cell of its centroid. */
  centroidFallback: boolean;
}

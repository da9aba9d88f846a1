import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Zone } from './zone.ts';

/**
 * The zones a simulation used, as GeoJSON: geometry unchanged, properties `id`, `name`,
 * `population_weight`, `jobs_weight`, `leisure_weight` and `venue` where set.
 */
export function zonesToGeoJson(zones: readonly Zone[]): FeatureCollection<Polygon | MultiPolygon> {
  return {
    type: 'FeatureCollection',
    features: zones.map((z) => ({
      type: 'Feature',
      id: z.id,
      properties: {
        id: z.id,
        name: z.name,
        population_weight: round(z.weight),
        jobs_weight: round(z.jobs),
        leisure_weight: round(z.leisure),
        ...(z.venue ? { venue: z.venue } : {}),
      },
      geometry: z.polygon,
    })),
  };
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

import type { LineString } from 'geojson';

/** Where a corridor comes from. */
export const CORRIDOR_SOURCES = ['learned', 'declared'] as const;
export type CorridorSource = (typeof CORRIDOR_SOURCES)[number];

/**
 * A corridor: the ordered cells that traffic on a road crosses (docs/traffic.md).
 *
 * Distances: a vehicle entering cell `cells[i]` is `entriesM[i]` metres from the corridor's start
 * (`entriesM[0]` = 0). Declared corridors may give them from coverage maps; learned ones use the
 * midpoints between consecutive cell centres.
 */
export interface Corridor {
  id: string;
  source: CorridorSource;
  /** H3 cells at the base resolution (hex), in driving order, at least 3, no repeats. */
  cells: readonly string[];
  entriesM: readonly number[];
  lengthM: number;
  /** Declared free-flow speed, km/h, used when too few night speeds were measured. */
  freeFlowKmh: number | null;
  geometry: LineString;
}

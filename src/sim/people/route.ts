import type { TravelMode } from './travel-mode.ts';

/** How a trip goes: mode, path (metres) and door-to-door duration. */
export interface Route {
  mode: TravelMode;
  xs: number[];
  ys: number[];
  durationMs: number;
  /** Along roads: time since departure at each vertex, ms (constant speed when absent). */
  times?: number[];
  /** Along roads: the road edges driven (src/sim/roads). */
  edges?: number[];
}

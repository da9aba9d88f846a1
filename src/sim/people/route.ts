import type { TravelMode } from './travel-mode.ts';

/** How a trip goes: mode, path (metres) and door-to-door duration. */
export interface Route {
  mode: TravelMode;
  xs: number[];
  ys: number[];
  durationMs: number;
}

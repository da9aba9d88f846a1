import type { RoadPlanner } from '../roads/road-planner.ts';
import type { Rng } from '../rng.ts';
import type { Place } from './place.ts';
import type { Route } from './route.ts';
import type { TravelMode } from './travel-mode.ts';

/** Speed range per mode, m/s (door to door, stops included). */
const SPEED: Record<TravelMode, [number, number]> = {
  walk: [1.2, 1.5],
  bike: [3.5, 5],
  car: [6, 10],
  transit: [5, 8],
};

/**
 * Plans a trip from `a` to `b`: picks a mode from the distance (walk under
 * ~1 km; a mix above, car only for car owners), a path jittered around the straight line, and a
 * duration from the mode's speed (transit adds 2–8 min of waiting). With a road planner
 * (src/sim/roads), car and transit trips follow the roads instead, at the speeds of the traffic when
 * they depart around `depart` (the same random draws are made either way).
 */
export function planMove(a: Place, b: Place, hasCar: boolean, rng: Rng, roads?: { planner: RoadPlanner; depart: number }): Route {
  const d = Math.hypot(b.x - a.x, b.y - a.y);
  const mode = chooseMode(d, hasCar, rng);
  const bends = mode === 'walk' ? (d > 300 ? 1 : 0) : 2;
  const xs: number[] = new Array(bends + 2).fill(0), ys: number[] = new Array(bends + 2).fill(0);
  xs[0] = a.x, ys[0] = a.y;
  xs[bends + 1] = b.x, ys[bends + 1] = b.y;
  const nx = d > 0 ? -(b.y - a.y) / d : 0, ny = d > 0 ? (b.x - a.x) / d : 0;
  for (let k = 1; k <= bends; k++) {
    const f = k / (bends + 1) + rng.range(-0.1, 0.1);
    const off = rng.normal(0, (mode === 'walk' ? 0.06 : 0.12) * d);
    xs[k] = a.x + f * (b.x - a.x) + off * nx;
    ys[k] = a.y + f * (b.y - a.y) + off * ny;
  }
  let len = 0;
  for (let k = 1; k < xs.length; k++) len += Math.hypot(xs[k]! - xs[k - 1]!, ys[k]! - ys[k - 1]!);
  const [lo, hi] = SPEED[mode];
  const wait = mode === 'transit' ? rng.range(2, 8) * 60_000 : 0;
  const durationMs = Math.max(60_000, Math.round((len / rng.range(lo, hi)) * 1000 + wait));
  if (roads && (mode === 'car' || mode === 'transit')) {
    const r = roads.planner.route(a, b, mode, roads.depart, Math.round(wait));
    if (r) return { mode, ...r };
  }
  return { mode, xs, ys, durationMs };
}

function chooseMode(d: number, hasCar: boolean, rng: Rng): TravelMode {
  const r = rng.next();
  let mode: TravelMode;
  if (d < 900) mode = 'walk';
  else if (d < 3_000) mode = r < 0.35 ? 'walk' : r < 0.5 ? 'bike' : r < 0.8 ? 'transit' : 'car';
  else mode = r < 0.05 && d < 6_000 ? 'bike' : r < 0.55 ? 'transit' : 'car';
  return mode === 'car' && !hasCar ? 'transit' : mode;
}

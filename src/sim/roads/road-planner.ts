import type { Place } from '../people/place.ts';
import type { TravelMode } from '../people/travel-mode.ts';
import type { RoadTraffic } from './road-traffic.ts';

/** Speed on local streets between a place and its nearest junction, m/ms (20 km/h). */
const ACCESS_SPEED = 20 / 3_600;
/** Buses run at this share of the cars' speed (stops). */
const BUS_FACTOR = 0.75;

/** A trip along the road network. */
export interface RoadRoute {
  xs: number[];
  ys: number[];
  /** Time since departure at each vertex, ms (`times[0]` = 0, or the transit wait). */
  times: number[];
  /** Edge indices; edge `i` runs from vertex `i + 1` to vertex `i + 2`. */
  edges: number[];
  durationMs: number;
}

/**
 * Plans car and transit (bus) trips along the road network: origin → nearest junction on local
 * streets, the fastest free-flow path, nearest junction → destination. Each edge is driven at the
 * speed {@link RoadTraffic} gives for the time the vehicle enters it.
 */
export class RoadPlanner {
  readonly traffic: RoadTraffic;

  constructor(traffic: RoadTraffic) {
    this.traffic = traffic;
  }

  /** The route from `a` to `b` departing at `depart` after `waitMs` at the stop, or null when a and b share a junction. */
  route(a: Place, b: Place, mode: TravelMode, depart: number, waitMs: number): RoadRoute | null {
    const net = this.traffic.net;
    const na = net.nearestNode(a.x, a.y), nb = net.nearestNode(b.x, b.y);
    const edges = net.path(na, nb);
    if (edges.length === 0) return null;
    const factor = mode === 'transit' ? BUS_FACTOR : 1;
    const xs = [a.x], ys = [a.y], times = [waitMs];
    const go = (x: number, y: number, speed: number) => {
      const d = Math.hypot(x - xs[xs.length - 1]!, y - ys[ys.length - 1]!);
      times.push(times[times.length - 1]! + Math.max(1, Math.round(d / speed)));
      xs.push(x);
      ys.push(y);
    };
    const first = net.nodes[na]!;
    go(first.x, first.y, ACCESS_SPEED);
    for (const e of edges) {
      const to = net.nodes[net.edges[e]!.to]!;
      const kmh = this.traffic.speedKmh(e, depart + times[times.length - 1]!) * factor;
      go(to.x, to.y, kmh / 3_600);
    }
    go(b.x, b.y, ACCESS_SPEED);
    return { xs, ys, times, edges, durationMs: times[times.length - 1]! };
  }
}

import type { Place } from './place.ts';
import type { TravelMode } from './travel-mode.ts';

/** A point written by {@link Segment.locate}. */
export interface XY {
  x: number;
  y: number;
}

const NONE: readonly number[] = [];

/**
 * One piece of a device's timeline, [from, to) in epoch ms: a stay at a place, or a move along a
 * polyline at constant speed. The last stay of a day is open-ended (`to` = Infinity).
 * Plain arrays, not typed arrays: a city holds millions of these and typed arrays cost ~150 bytes each.
 */
export class Segment {
  readonly moving: boolean;
  readonly from: number;
  readonly to: number;
  /** The stay's position, or the move's start, metres. */
  readonly x: number;
  readonly y: number;
  /** Path vertices of a move (empty for a stay). */
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  /** Cumulative path length at each vertex, metres. */
  readonly cum: readonly number[];
  /** Zone of the stay, or of the trip's origin. */
  readonly fromZone: number;
  /** Zone of the stay, or of the trip's destination. */
  readonly toZone: number;
  readonly mode: TravelMode | null;
  /** H3 cell of a stay, filled lazily by the truth. */
  h3 = '';
  /** A move along roads (src/sim/roads): time since `from` at each vertex, ms; empty for constant speed. */
  times: readonly number[] = NONE;
  /** A move along roads: the road edges driven, edge `i` from vertex `i + 1` to `i + 2`. */
  edges: readonly number[] = NONE;

  private constructor(
    moving: boolean, from: number, to: number, x: number, y: number,
    xs: readonly number[], ys: readonly number[], fromZone: number, toZone: number, mode: TravelMode | null,
  ) {
    this.moving = moving;
    this.from = from;
    this.to = to;
    this.x = x;
    this.y = y;
    this.xs = xs;
    this.ys = ys;
    this.fromZone = fromZone;
    this.toZone = toZone;
    this.mode = mode;
    if (xs.length === 0) this.cum = NONE;
    else {
      const cum = [0];
      for (let i = 1; i < xs.length; i++) cum.push(cum[i - 1]! + Math.hypot(xs[i]! - xs[i - 1]!, ys[i]! - ys[i - 1]!));
      this.cum = cum;
    }
  }

  /** A stay at `place` over [from, to). */
  static stay(from: number, to: number, place: Place): Segment {
    return new Segment(false, from, to, place.x, place.y, NONE, NONE, place.zone, place.zone, null);
  }

  /** A move along `xs`/`ys` over [from, to). */
  static move(from: number, to: number, xs: readonly number[], ys: readonly number[], fromZone: number, toZone: number, mode: TravelMode): Segment {
    return new Segment(true, from, to, xs[0]!, ys[0]!, xs, ys, fromZone, toZone, mode);
  }

  /** A move along roads whose speed changes from edge to edge (see {@link times}). */
  static roadMove(from: number, xs: readonly number[], ys: readonly number[], times: readonly number[], edges: readonly number[], fromZone: number, toZone: number, mode: TravelMode): Segment {
    const s = new Segment(true, from, from + times[times.length - 1]!, xs[0]!, ys[0]!, xs, ys, fromZone, toZone, mode);
    s.times = times;
    s.edges = edges;
    return s;
  }

  /** Highest speed over the move's legs, m/ms (the mean speed for a constant-speed move; 0 for a stay). */
  get maxSpeed(): number {
    if (!this.moving) return 0;
    if (this.times.length === 0) return this.length / (this.to - this.from);
    let v = 0;
    for (let i = 1; i < this.times.length; i++) {
      const dt = this.times[i]! - this.times[i - 1]!;
      if (dt > 0) v = Math.max(v, (this.cum[i]! - this.cum[i - 1]!) / dt);
    }
    return v;
  }

  /** Path length, metres (0 for a stay). */
  get length(): number {
    return this.moving ? this.cum[this.cum.length - 1]! : 0;
  }

  /** Writes the true position at `t` (clamped to the segment) into `out`. */
  locate(t: number, out: XY): void {
    if (!this.moving) {
      out.x = this.x;
      out.y = this.y;
      return;
    }
    if (this.times.length > 0) {
      this.#locateTimed(t - this.from, out);
      return;
    }
    const f = Math.min(1, Math.max(0, (t - this.from) / (this.to - this.from)));
    const cum = this.cum;
    const d = f * cum[cum.length - 1]!;
    let i = 1;
    while (i < cum.length - 1 && cum[i]! < d) i++;
    const legLen = cum[i]! - cum[i - 1]!;
    const g = legLen > 0 ? (d - cum[i - 1]!) / legLen : 1;
    out.x = this.xs[i - 1]! + g * (this.xs[i]! - this.xs[i - 1]!);
    out.y = this.ys[i - 1]! + g * (this.ys[i]! - this.ys[i - 1]!);
  }

  #locateTimed(dt: number, out: XY): void {
    const ts = this.times;
    let i = 1;
    while (i < ts.length - 1 && ts[i]! <= dt) i++;
    const span = ts[i]! - ts[i - 1]!;
    const g = span > 0 ? Math.min(1, Math.max(0, (dt - ts[i - 1]!) / span)) : 1;
    out.x = this.xs[i - 1]! + g * (this.xs[i]! - this.xs[i - 1]!);
    out.y = this.ys[i - 1]! + g * (this.ys[i]! - this.ys[i - 1]!);
  }
}

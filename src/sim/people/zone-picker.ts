import type { Zone } from '../city/zone.ts';
import type { Rng } from '../rng.ts';
import type { Place } from './place.ts';

/** Which zone weight a choice follows. */
export type ZoneWeight = 'weight' | 'jobs' | 'leisure';

/**
 * Draws zones and points for people: a zone by weight with a distance decay from an origin, a
 * uniform point inside a zone, or one of the zone's pooled places (shops, bars) near a point.
 */
export class ZonePicker {
  readonly #zones: Zone[];
  readonly #cx: Float64Array;
  readonly #cy: Float64Array;
  readonly #w: Record<ZoneWeight, Float64Array>;
  readonly #acc: Float64Array;

  constructor(zones: Zone[]) {
    this.#zones = zones;
    this.#cx = Float64Array.from(zones, (z) => z.shape.cx);
    this.#cy = Float64Array.from(zones, (z) => z.shape.cy);
    this.#w = {
      weight: Float64Array.from(zones, (z) => z.weight),
      jobs: Float64Array.from(zones, (z) => z.jobs),
      leisure: Float64Array.from(zones, (z) => z.leisure),
    };
    this.#acc = new Float64Array(zones.length);
  }

  /**
   * A zone index drawn ∝ weight × exp(−distance / decayM) from (x, y); `decayM` Infinity ignores
   * distance. Falls back to the nearest zone when every weight is zero.
   */
  zone(kind: ZoneWeight, rng: Rng, x = 0, y = 0, decayM = Infinity): number {
    const w = this.#w[kind], acc = this.#acc;
    let total = 0;
    for (let i = 0; i < w.length; i++) {
      const d = decayM === Infinity ? 0 : Math.hypot(this.#cx[i]! - x, this.#cy[i]! - y);
      total += w[i]! * Math.exp(-d / decayM);
      acc[i] = total;
    }
    if (!(total > 0)) return this.#nearest(x, y);
    const r = rng.next() * total;
    let lo = 0, hi = w.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (acc[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** A uniform random point inside zone `z`. */
  point(z: number, rng: Rng): Place {
    const s = this.#zones[z]!.shape;
    for (let tries = 0; tries < 1_000; tries++) {
      const x = rng.range(s.minX, s.maxX), y = rng.range(s.minY, s.maxY);
      if (s.contains(x, y)) return { x, y, zone: z };
    }
    return this.place(z, rng);
  }

  /** One of zone `z`'s pooled places; with (x, y), the closest of four draws. */
  place(z: number, rng: Rng, x?: number, y?: number): Place {
    const p = this.#zones[z]!.places;
    const n = p.length / 2;
    let best = rng.int(n);
    if (x !== undefined && y !== undefined) {
      let bestD = Math.hypot(p[2 * best]! - x, p[2 * best + 1]! - y);
      for (let k = 0; k < 3; k++) {
        const i = rng.int(n);
        const d = Math.hypot(p[2 * i]! - x, p[2 * i + 1]! - y);
        if (d < bestD) (bestD = d), (best = i);
      }
    }
    return { x: p[2 * best]!, y: p[2 * best + 1]!, zone: z };
  }

  #nearest(x: number, y: number): number {
    let best = 0, bestD = Infinity;
    for (let i = 0; i < this.#cx.length; i++) {
      const d = Math.hypot(this.#cx[i]! - x, this.#cy[i]! - y);
      if (d < bestD) (bestD = d), (best = i);
    }
    return best;
  }
}

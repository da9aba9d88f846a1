/**
 * A small seeded pseudo-random generator (mulberry32). The simulator never uses `Math.random`: every
 * stream is derived from the run seed, so the same seed yields byte-identical output.
 *
 * @example
 * const rng = Rng.seeded(42, subscriberIndex, day); // one independent stream per subscriber and day
 * rng.normal(0, 1);
 */
export class Rng {
  #s: number;

  /** Starts a stream from a 32-bit state. Prefer {@link Rng.seeded}. */
  constructor(state: number) {
    this.#s = state >>> 0;
  }

  /** A stream derived from several integers (run seed, subscriber index, day, purpose…). */
  static seeded(...parts: number[]): Rng {
    let h = 0x9e3779b9;
    for (const p of parts) {
      h = Math.imul(h ^ (p | 0), 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h ^ Math.floor(p / 4294967296), 0xc2b2ae35);
      h ^= h >>> 16;
    }
    return new Rng(h);
  }

  /** An independent copy of this stream at its current state. */
  clone(): Rng {
    return new Rng(this.#s);
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.#s = (this.#s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [a, b). */
  range(a: number, b: number): number {
    return a + (b - a) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Gaussian (Box–Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Exponential with the given mean. */
  exp(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  /** Gaussian clamped to [lo, hi]. */
  clampedNormal(mean: number, sd: number, lo: number, hi: number): number {
    return Math.min(hi, Math.max(lo, this.normal(mean, sd)));
  }
}

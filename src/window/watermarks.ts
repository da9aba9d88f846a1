import { ActiveMinimum } from './active-minimum.ts';

/**
 * Event-time watermarks over several inputs (Kafka partitions; a file is one input).
 * Each input's watermark is its highest event time minus the allowed lateness; the overall watermark
 * is the minimum over the inputs that are not idle. An input that has received nothing for
 * `idleTimeoutMs` of processing time stops holding the others back.
 */
export class Watermarks {
  readonly #lateness: number;
  readonly #idleTimeoutMs: number;
  readonly #max = new Map<string, number>();
  readonly #lastSeen = new Map<string, number>();
  /** Scratch accumulator of {@link current} (the rule shared with the publish frontier). */
  readonly #min = new ActiveMinimum();
  /**
   * {@link current}'s last answer and the `now` it was for, valid until an input's maximum or
   * last-seen time changes (the pipeline asks once per event; the inputs rarely change between).
   */
  #cached = -Infinity;
  #cachedNow = NaN;

  constructor(config: { latenessMs: number; idleTimeoutMs?: number }) {
    this.#lateness = config.latenessMs;
    this.#idleTimeoutMs = config.idleTimeoutMs ?? Infinity;
  }

  /** Records an accepted event time from `input` at processing time `now`. */
  observe(input: string, ts: number, now = 0): void {
    const m = this.#max.get(input);
    if (m === undefined || ts > m) {
      this.#max.set(input, ts);
      this.#cachedNow = NaN;
    }
    if (this.#lastSeen.get(input) !== now) {
      this.#lastSeen.set(input, now);
      this.#cachedNow = NaN;
    }
  }

  /** Registers an input before it has data, so it holds the watermark back until it speaks or idles. */
  track(input: string, now = 0): void {
    if (!this.#lastSeen.has(input)) {
      this.#lastSeen.set(input, now);
      this.#cachedNow = NaN;
    }
  }

  /** Forgets an input (a revoked partition). */
  remove(input: string): void {
    this.#max.delete(input);
    this.#lastSeen.delete(input);
    this.#cachedNow = NaN;
  }

  /** The overall watermark at processing time `now`; -Infinity until some input has data. */
  current(now = 0): number {
    if (now === this.#cachedNow) return this.#cached;
    const m = this.#min.reset();
    for (const [input, seen] of this.#lastSeen) m.add(this.#max.get(input), now - seen >= this.#idleTimeoutMs);
    const v = m.result;
    this.#cachedNow = now;
    return (this.#cached = v === null ? -Infinity : v - this.#lateness);
  }

  /** Plain-data state for checkpoints: highest event time per input. */
  snapshot(): [string, number][] {
    return [...this.#max];
  }

  /** Restores {@link snapshot}ed maxima (processing-time idleness starts afresh). */
  restore(entries: [string, number][], now = 0): void {
    this.#max.clear();
    this.#lastSeen.clear();
    this.#cachedNow = NaN;
    for (const [k, v] of entries) {
      this.#max.set(k, v);
      this.#lastSeen.set(k, now);
    }
  }
}

import type { Clock } from '../../../src/core/clock.ts';

/**
 * A clock that moves only when told. `sleep` resolves when {@link advance} passes its deadline, or
 * at once when its signal aborts.
 */
export class FakeClock implements Clock {
  #now: number;
  #sleepers: { until: number; resolve: () => void }[] = [];
  /** Every sleep requested, in ms, in order. */
  readonly sleeps: number[] = [];

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Sets the time (e.g. after "downtime") without waking sleepers. */
  set(ms: number): void {
    this.#now = ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const entry = { until: this.#now + ms, resolve };
      this.#sleepers.push(entry);
      signal?.addEventListener('abort', () => {
        this.#sleepers = this.#sleepers.filter((s) => s !== entry);
        resolve();
      }, { once: true });
    });
  }

  /** Deadline of the earliest pending sleep, if any. */
  get nextDeadline(): number | undefined {
    return this.#sleepers.length ? Math.min(...this.#sleepers.map((s) => s.until)) : undefined;
  }

  /** Moves time forward, waking the sleepers whose deadline passed. */
  advance(ms: number): void {
    this.#now += ms;
    const due = this.#sleepers.filter((s) => s.until <= this.#now);
    this.#sleepers = this.#sleepers.filter((s) => s.until > this.#now);
    for (const s of due) s.resolve();
  }
}

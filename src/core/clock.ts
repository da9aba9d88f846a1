/**
 * Time as the scheduler sees it. The system clock in production; tests pass a controllable one so
 * backoff waits and catch-up after "downtime" run instantly.
 */
export interface Clock {
  /** Current instant, epoch ms. */
  now(): number;
  /**
   * Resolves after `ms`. When `signal` aborts first, resolves early (it never rejects): callers
   * check `signal.aborted` afterwards.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `Date.now()` and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms, signal) {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    });
  },
};

/** Retry settings of a job. */
export interface RetryConfig {
  /** Attempts per slot, the first included. Default 3; 1 disables retries. */
  maxAttempts: number;
  /** Wait before the second attempt, in ms; doubles for each further attempt. Default 30 000. */
  backoffMs: number;
  /** Longest wait between attempts, in ms. Default 900 000 (15 minutes). */
  maxBackoffMs: number;
}

/** Defaults of {@link RetryConfig}. */
export const DEFAULT_RETRY: RetryConfig = { maxAttempts: 3, backoffMs: 30_000, maxBackoffMs: 900_000 };

/**
 * The wait after failed attempt number `attempt` (1-based): `backoffMs · 2^(attempt−1)`, capped.
 * No jitter: the job lock, not randomness, keeps schedulers from retrying the same slot together.
 * @example backoffDelay(3, { maxAttempts: 5, backoffMs: 1000, maxBackoffMs: 60_000 }) // 4000
 */
export function backoffDelay(attempt: number, retry: RetryConfig): number {
  return Math.min(retry.maxBackoffMs, retry.backoffMs * 2 ** (attempt - 1));
}

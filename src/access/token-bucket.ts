/** Configuration of per-token rate limits: a bucket of `burst` requests refilled at `perSecond`. */
export interface RateLimitConfig {
  /** Requests a token may make at once. Default 60. */
  burst?: number;
  /** Sustained requests per second. Default 10. */
  perSecond?: number;
}

/**
 * Token buckets keyed by caller: each holds up to `burst` requests and refills at `perSecond`.
 * `take` answers 0 when the request may go, else the seconds to wait (for `Retry-After`). Pure over the
 * clock it is given.
 */
export class TokenBuckets {
  readonly burst: number;
  readonly perSecond: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(config: RateLimitConfig = {}) {
    this.burst = config.burst ?? 60;
    this.perSecond = config.perSecond ?? 10;
    if (!(this.burst >= 1) || !(this.perSecond > 0)) throw new RangeError('rate limit: burst must be ≥ 1 and perSecond > 0');
  }

  /** Takes one request from `key`'s bucket at time `nowMs`; resolves to 0 or the seconds to wait. */
  take(key: string, nowMs: number): number {
    const b = this.#buckets.get(key) ?? { tokens: this.burst, at: nowMs };
    b.tokens = Math.min(this.burst, b.tokens + ((nowMs - b.at) / 1000) * this.perSecond);
    b.at = nowMs;
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }
}

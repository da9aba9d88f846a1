import { createHmac } from 'node:crypto';

/** Configuration of a {@link Pseudonymiser}. */
export interface PseudonymiserConfig {
  /** Secret HMAC key, at least 16 bytes. Load it with `loadOrCreateKey`; never build one into code. */
  key: Uint8Array;
  /**
   * How many IMSI → pseudonym results to keep in memory (never on disk). Default 1,000,000;
   * the cache is cleared when full, which costs only recomputation.
   */
  cacheSize?: number;
}

/**
 * Turns subscriber identities into stable pseudonymous device ids with HMAC-SHA-256 under a secret
 * key, truncated to 128 bits (32 hex characters). Without the key the mapping can be neither reversed
 * nor recomputed from a list of IMSIs.
 */
export class Pseudonymiser {
  readonly #key: Uint8Array;
  readonly #cache = new Map<string, string>();
  readonly #cacheSize: number;

  constructor(config: PseudonymiserConfig) {
    if (config.key.length < 16) throw new RangeError('pseudonymisation key must be at least 16 bytes');
    this.#key = config.key;
    this.#cacheSize = config.cacheSize ?? 1_000_000;
  }

  /** The pseudonym of `imsi`. */
  pseudonym(imsi: string): string {
    let id = this.#cache.get(imsi);
    if (id === undefined) {
      id = createHmac('sha256', this.#key).update(imsi).digest('hex').slice(0, 32);
      if (this.#cache.size >= this.#cacheSize) this.#cache.clear();
      this.#cache.set(imsi, id);
    }
    return id;
  }
}

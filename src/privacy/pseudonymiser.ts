import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** Configuration of a {@link Pseudonymiser}. */
export interface PseudonymiserConfig {
  /** Secret HMAC key, at least 16 bytes. Load it with `loadOrCreateKey`; never build one into code. */
  key: Uint8Array;
  /**
   * How many IMSI → pseudonym results to keep in memory (never on disk). Default 2,000,000;
   * the cache is cleared when full, which costs only recomputation. Keep it above the number of
   * active devices: devices report periodically, so a cache just smaller than that misses on almost
   * every record (an HMAC each) rather than on a few.
   */
  cacheSize?: number;
}

/**
 * Turns subscriber identities into stable pseudonymous device ids with HMAC-SHA-256 under a secret
 * key, truncated to 128 bits (32 hex characters). Without the key the mapping can be neither reversed
 * nor recomputed from a list of IMSIs.
 */
export class Pseudonymiser {
  /** The key as a KeyObject: createHmac then skips re-importing raw key bytes per call (~7× faster). */
  readonly #key: KeyObject;
  readonly #cache = new Map<string, string>();
  readonly #cacheSize: number;

  constructor(config: PseudonymiserConfig) {
    if (config.key.length < 16) throw new RangeError('pseudonymisation key must be at least 16 bytes');
    this.#key = createSecretKey(config.key);
    this.#cacheSize = config.cacheSize ?? 2_000_000;
  }

  /** The pseudonym of `imsi`. */
  pseudonym(imsi: string): string {
    let id = this.#cache.get(imsi);
    if (id === undefined) {
      // Hex of the first 16 bytes: the same 32 characters as digest('hex').slice(0, 32), but a flat
      // string rather than a slice pinning the 64-character digest (memory at a million devices).
      id = createHmac('sha256', this.#key).update(imsi).digest().toString('hex', 0, 16);
      if (this.#cache.size >= this.#cacheSize) this.#cache.clear();
      this.#cache.set(imsi, id);
    }
    return id;
  }
}

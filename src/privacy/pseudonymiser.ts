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
  /**
   * Periodic re-pseudonymisation (Statistics Netherlands practice): with a period P the pseudonym of a
   * record at time ts is HMAC(HMAC(key, "citypulse-epoch:" + floor(ts / P)), imsi), so device ids change
   * at every epoch boundary and histories cannot be linked across epochs. Default none (one id forever).
   */
  rotateEveryMs?: number;
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
  readonly #rotateEveryMs: number | undefined;
  readonly #epochKeys = new Map<number, KeyObject>();

  constructor(config: PseudonymiserConfig) {
    if (config.key.length < 16) throw new RangeError('pseudonymisation key must be at least 16 bytes');
    if (config.rotateEveryMs !== undefined && !(Number.isInteger(config.rotateEveryMs) && config.rotateEveryMs >= 3_600_000)) {
      throw new RangeError(`the re-pseudonymisation period must be at least 1 hour, got ${config.rotateEveryMs} ms`);
    }
    this.#key = createSecretKey(config.key);
    this.#cacheSize = config.cacheSize ?? 2_000_000;
    this.#rotateEveryMs = config.rotateEveryMs;
  }

  /** True when pseudonyms rotate (`rotateEveryMs`): a subscriber's id then depends on the event time. */
  get rotates(): boolean {
    return this.#rotateEveryMs !== undefined;
  }

  /**
   * The pseudonym of `imsi` (at event time `ts` when pseudonyms rotate; without `ts`, e.g. in a
   * dead letter with no readable time, the key's own pseudonym).
   */
  pseudonym(imsi: string, ts?: number): string {
    const epoch = this.#rotateEveryMs === undefined || ts === undefined ? null : Math.floor(ts / this.#rotateEveryMs);
    const cacheKey = epoch === null ? imsi : `${epoch}:${imsi}`;
    let id = this.#cache.get(cacheKey);
    if (id === undefined) {
      // Hex of the first 16 bytes: the same 32 characters as digest('hex').slice(0, 32), but a flat
      // string rather than a slice pinning the 64-character digest (memory at a million devices).
      id = createHmac('sha256', epoch === null ? this.#key : this.#epochKey(epoch)).update(imsi).digest().toString('hex', 0, 16);
      if (this.#cache.size >= this.#cacheSize) this.#cache.clear();
      this.#cache.set(cacheKey, id);
    }
    return id;
  }

  #epochKey(epoch: number): KeyObject {
    let k = this.#epochKeys.get(epoch);
    if (!k) {
      k = createSecretKey(createHmac('sha256', this.#key).update(`citypulse-epoch:${epoch}`).digest());
      if (this.#epochKeys.size > 64) this.#epochKeys.clear();
      this.#epochKeys.set(epoch, k);
    }
    return k;
  }
}

import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { fmix32 } from '../core/fmix32.ts';

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
  /** Pseudonyms of IMSIs that are not plain digits, and of every IMSI when pseudonyms rotate. */
  readonly #cache = new Map<string, string>();
  /** Pseudonyms of digits-only IMSIs, by value. */
  readonly #numeric = new ImsiCache();
  readonly #k: [number, number] = [0, 0];
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

  /**
   * Empties the pseudonym cache and gives its memory back (~35 MB at a million subscribers): for the
   * end of a finite input. Pseudonyms stay the same; they are only computed again if asked for.
   */
  releaseCache(): void {
    this.#cache.clear();
    this.#numeric.release();
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
    // Without rotation a digits-only IMSI (the usual case) is looked up by its value in typed
    // arrays; anything else by string.
    const numeric = epoch === null && imsiKey(imsi, this.#k);
    const cacheKey = epoch === null ? imsi : `${epoch}:${imsi}`;
    let id = numeric ? this.#numeric.get(this.#k[0], this.#k[1]) : this.#cache.get(cacheKey);
    if (id === undefined) {
      // Hex of the first 16 bytes: the same 32 characters as digest('hex').slice(0, 32), but a flat
      // string rather than a slice pinning the 64-character digest (memory at a million devices).
      id = createHmac('sha256', epoch === null ? this.#key : this.#epochKey(epoch)).update(imsi).digest().toString('hex', 0, 16);
      if (this.#cache.size + this.#numeric.size >= this.#cacheSize) {
        this.#cache.clear();
        this.#numeric.clear();
      }
      if (numeric) this.#numeric.set(this.#k[0], this.#k[1], id);
      else this.#cache.set(cacheKey, id);
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

/**
 * The 64-bit key of a digits-only IMSI of 1–15 digits into `out` ([hi, lo]: its value's high and
 * low 32 bits, the digit count in bits 20–23 of hi so that leading zeros count); false for anything
 * else. 15 digits stay below 2^50, exact in a double.
 */
function imsiKey(imsi: string, out: [number, number]): boolean {
  const n = imsi.length;
  if (n === 0 || n > 15) return false;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = imsi.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    v = v * 10 + d;
  }
  out[0] = (Math.floor(v / 4294967296) | (n << 20)) >>> 0;
  out[1] = v >>> 0;
  return true;
}

/**
 * IMSI key → pseudonym, in typed arrays (open addressing, linear probing, load ≤ 3/4): 12 bytes a
 * slot and a reference to the pseudonym string, where a `Map` keyed by the IMSI string kept the
 * 15-character string itself (32 bytes) and a 28–56-byte entry on the JS heap — at a million devices
 * about 60 MB less heap for the garbage collector to mark.
 */
class ImsiCache {
  /** Key halves per slot; hi is never 0 for a key (it holds the digit count), so 0 marks a free slot. */
  #hi = new Uint32Array(1024);
  #lo = new Uint32Array(1024);
  /** Index into {@link #ids} per slot. */
  #val = new Int32Array(1024);
  #ids: string[] = [];
  #mask = 1023;

  get size(): number {
    return this.#ids.length;
  }

  get(hi: number, lo: number): string | undefined {
    const i = this.#find(hi, lo);
    return this.#hi[i] === 0 ? undefined : this.#ids[this.#val[i]!];
  }

  /** Adds a key that is not there. */
  set(hi: number, lo: number, id: string): void {
    if (4 * (this.#ids.length + 1) > 3 * (this.#mask + 1)) this.#grow();
    const i = this.#find(hi, lo);
    this.#hi[i] = hi;
    this.#lo[i] = lo;
    this.#val[i] = this.#ids.length;
    this.#ids.push(id);
  }

  clear(): void {
    this.#hi.fill(0);
    this.#ids = [];
  }

  /** {@link clear}, and back to the initial size. */
  release(): void {
    this.#hi = new Uint32Array(1024);
    this.#lo = new Uint32Array(1024);
    this.#val = new Int32Array(1024);
    this.#mask = 1023;
    this.#ids = [];
  }

  #find(hi: number, lo: number): number {
    const mask = this.#mask;
    for (let i = fmix32(lo ^ Math.imul(hi, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      const h = this.#hi[i]!;
      if (h === 0 || (h === hi && this.#lo[i] === lo)) return i;
    }
  }

  #grow(): void {
    const hi = this.#hi, lo = this.#lo, val = this.#val;
    const n = 2 * hi.length;
    this.#hi = new Uint32Array(n);
    this.#lo = new Uint32Array(n);
    this.#val = new Int32Array(n);
    this.#mask = n - 1;
    for (let j = 0; j < hi.length; j++) {
      if (hi[j] === 0) continue;
      const i = this.#find(hi[j]!, lo[j]!);
      this.#hi[i] = hi[j]!;
      this.#lo[i] = lo[j]!;
      this.#val[i] = val[j]!;
    }
  }
}

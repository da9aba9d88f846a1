import { fmix32 } from '../../core/fmix32.ts';

export { fmix32 };

/**
 * Plain-data state of a {@link PairSet}: two 32-bit lanes of every slot (0/0 = empty) and the
 * number of keys held. Typed arrays: `structuredClone` and `v8.serialize` carry them as one copy
 * of their bytes.
 */
export interface PairSetSnapshot {
  hi: Uint32Array;
  lo: Uint32Array;
  size: number;
}

/** Least slots (a power of two). */
const MIN_SLOTS = 1 << 12;

/**
 * A set of 64-bit keys (two 32-bit halves) in two flat typed arrays with open addressing: 8 bytes a
 * key at a load of at most 1/2, where a `Set` of strings costs ~70 bytes a key plus the strings. Its
 * memory is allocated in steps (doubling) and kept across {@link clear}, so a set that is refilled
 * every day stays the same size once it has held one day. Keys are hashes (see {@link hashString});
 * the caller accepts that two different pairs may share a 64-bit key (at 20 million keys, about one
 * chance in 10⁵ of one such collision).
 */
export class PairSet {
  #hi: Uint32Array;
  #lo: Uint32Array;
  #mask: number;
  #size = 0;

  constructor(slots = MIN_SLOTS) {
    const n = Math.max(MIN_SLOTS, 2 ** Math.ceil(Math.log2(slots)));
    this.#hi = new Uint32Array(n);
    this.#lo = new Uint32Array(n);
    this.#mask = n - 1;
  }

  /** Keys held. */
  get size(): number {
    return this.#size;
  }

  /** Slots allocated (8 bytes each). */
  get capacity(): number {
    return this.#mask + 1;
  }

  /** Adds the key `(hi, lo)` (unsigned 32-bit halves, not both 0); false when it was already there. */
  add(hi: number, lo: number): boolean {
    if ((this.#size + 1) * 2 > this.#mask + 1) this.#grow();
    return this.#insert(hi >>> 0, lo >>> 0);
  }

  /** Whether the key `(hi, lo)` is held. */
  has(hi: number, lo: number): boolean {
    const i = this.#find(hi >>> 0, lo >>> 0);
    return this.#hi[i] !== 0 || this.#lo[i] !== 0;
  }

  /** Empties the set, keeping its memory. */
  clear(): void {
    if (this.#size === 0) return;
    this.#hi.fill(0);
    this.#lo.fill(0);
    this.#size = 0;
  }

  /** The state (shares the live arrays: encode it before the next change). */
  snapshot(): PairSetSnapshot {
    return { hi: this.#hi, lo: this.#lo, size: this.#size };
  }

  /** A set holding a {@link snapshot}'s keys (its arrays are taken over, not copied). */
  static restore(s: PairSetSnapshot): PairSet {
    const set = new PairSet(MIN_SLOTS);
    const n = s.hi.length;
    if (n !== s.lo.length || n < MIN_SLOTS || (n & (n - 1)) !== 0) throw new Error(`pair-set snapshot: ${n} and ${s.lo.length} slots (want equal powers of two ≥ ${MIN_SLOTS})`);
    set.#hi = s.hi;
    set.#lo = s.lo;
    set.#mask = n - 1;
    set.#size = s.size;
    return set;
  }

  #insert(hi: number, lo: number): boolean {
    const i = this.#find(hi, lo);
    if (this.#hi[i] !== 0 || this.#lo[i] !== 0) return false;
    this.#hi[i] = hi;
    this.#lo[i] = hi === 0 && lo === 0 ? 1 : lo;
    this.#size++;
    return true;
  }

  /**
   * The slot holding `(hi, lo)`, or the empty slot where it would go (linear probing). The all-zero
   * key marks an empty slot, so it is stored as `(0, 1)`.
   */
  #find(hi: number, lo: number): number {
    if (hi === 0 && lo === 0) lo = 1;
    for (let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.#mask; ; i = (i + 1) & this.#mask) {
      const h = this.#hi[i]!, l = this.#lo[i]!;
      if ((h === 0 && l === 0) || (h === hi && l === lo)) return i;
    }
  }

  #grow(): void {
    const hi = this.#hi, lo = this.#lo;
    const n = hi.length * 2;
    this.#hi = new Uint32Array(n);
    this.#lo = new Uint32Array(n);
    this.#mask = n - 1;
    this.#size = 0;
    for (let i = 0; i < hi.length; i++) if (hi[i] !== 0 || lo[i] !== 0) this.#insert(hi[i]!, lo[i]!);
  }
}

/**
 * Two independent 32-bit hashes of a string (FNV-1a with two offset bases, then a murmur3 finaliser):
 * together a 64-bit key for a {@link PairSet}.
 */
export function hashString(s: string, out: [number, number] = [0, 0]): [number, number] {
  let a = 0x811c9dc5, b = 0x2b1a6d3f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  out[0] = fmix32(a);
  out[1] = fmix32(b ^ 0x5bd1e995);
  return out;
}


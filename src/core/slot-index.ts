import { fmix32 } from './fmix32.ts';
import { grown } from './grown.ts';

/** Least table size (a power of two). */
const MIN_TABLE = 1 << 10;

/**
 * Device id → slot, for stores that keep each device's state in slots of flat arrays (the presence
 * engine, the trajectory store, the traffic tracks): the part of a `Map<string, number>` they use,
 * in typed arrays. At a million devices a `Map` costs 28–56 bytes a device on the JS heap (its table
 * doubles, and the old one lives beside the new while it rehashes: 50–170 MB at once for one map),
 * all of it marked by every full collection; here the table (open addressing, linear probing,
 * backward-shift deletion, load ≤ 1/2) and the per-slot hash and order links are typed arrays off
 * the heap, and the heap holds one reference per slot to the id string the device already has.
 *
 * Values are the owner's slots: small non-negative integers, each held by at most one id at a time
 * (the owner frees a slot before reusing it). Iteration follows first insertion, as a `Map`'s does;
 * deleting the entry being visited is allowed, deleting another during iteration is not.
 *
 * @example
 * const index = new SlotIndex();
 * index.set('a1f…', 0);
 * index.get('a1f…'); // 0
 */
export class SlotIndex {
  /** Slot + 1 per table position; 0 = empty. */
  #table = new Int32Array(MIN_TABLE);
  #mask = MIN_TABLE - 1;
  #size = 0;
  /** By slot: its id (undefined when free), its hash, and the insertion-order links (-1: none). */
  readonly #key: (string | undefined)[] = [];
  #hash = new Int32Array(256);
  #next = new Int32Array(256);
  #prev = new Int32Array(256);
  #head = -1;
  #tail = -1;

  get size(): number {
    return this.#size;
  }

  /** The slot of `key`, or undefined. */
  get(key: string): number | undefined {
    const p = this.#find(key, hashKey(key));
    const v = this.#table[p]!;
    return v === 0 ? undefined : v - 1;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Maps a new `key` to a free `slot` (the key goes last in the iteration order). */
  set(key: string, slot: number): this {
    if (!(Number.isInteger(slot) && slot >= 0 && slot < 0x7fffffff)) throw new RangeError(`slot must be a non-negative integer, got ${slot}`);
    const h = hashKey(key);
    const p = this.#find(key, h);
    const v = this.#table[p]!;
    if (v !== 0) {
      if (v - 1 === slot) return this;
      throw new Error(`SlotIndex: ${key} already holds slot ${v - 1}, not ${slot}`);
    }
    if (this.#key[slot] !== undefined) throw new Error(`SlotIndex: slot ${slot} is held by another id`);
    this.#ensureSlot(slot);
    this.#key[slot] = key;
    this.#hash[slot] = h;
    this.#next[slot] = -1;
    this.#prev[slot] = this.#tail;
    if (this.#tail >= 0) this.#next[this.#tail] = slot;
    else this.#head = slot;
    this.#tail = slot;
    this.#size++;
    if (2 * this.#size > this.#table.length) this.#rehash(this.#table.length * 2);
    else this.#table[p] = slot + 1;
    return this;
  }

  delete(key: string): boolean {
    let i = this.#find(key, hashKey(key));
    const v = this.#table[i]!;
    if (v === 0) return false;
    const slot = v - 1;
    // Backward-shift deletion: later entries of the probe run move up into the hole unless their
    // home position lies cyclically after it.
    const mask = this.#mask;
    const t = this.#table;
    for (let j = (i + 1) & mask; t[j] !== 0; j = (j + 1) & mask) {
      const home = this.#hash[t[j]! - 1]! & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (!stays) {
        t[i] = t[j]!;
        i = j;
      }
    }
    t[i] = 0;
    const n = this.#next[slot]!, pv = this.#prev[slot]!;
    if (pv >= 0) this.#next[pv] = n;
    else this.#head = n;
    if (n >= 0) this.#prev[n] = pv;
    else this.#tail = pv;
    this.#key[slot] = undefined;
    this.#size--;
    return true;
  }

  /** Forgets every id and gives the arrays' memory back. */
  clear(): void {
    this.#table = new Int32Array(MIN_TABLE);
    this.#mask = MIN_TABLE - 1;
    this.#size = 0;
    this.#key.length = 0;
    this.#hash = new Int32Array(256);
    this.#next = new Int32Array(256);
    this.#prev = new Int32Array(256);
    this.#head = this.#tail = -1;
  }

  /** The id holding `slot`, or undefined. */
  keyAt(slot: number): string | undefined {
    return this.#key[slot];
  }

  /** [id, slot] in first-insertion order. */
  *entries(): IterableIterator<[string, number]> {
    for (let s = this.#head; s >= 0; ) {
      const n = this.#next[s]!; // read first: the caller may delete the entry it is given
      yield [this.#key[s]!, s];
      s = n;
    }
  }

  /** Ids in first-insertion order. */
  *keys(): IterableIterator<string> {
    for (let s = this.#head; s >= 0; ) {
      const n = this.#next[s]!;
      yield this.#key[s]!;
      s = n;
    }
  }

  /** Slots in first-insertion order. */
  *values(): IterableIterator<number> {
    for (let s = this.#head; s >= 0; ) {
      const n = this.#next[s]!;
      yield s;
      s = n;
    }
  }

  [Symbol.iterator](): IterableIterator<[string, number]> {
    return this.entries();
  }

  /** The table position holding `key`, or the empty position where it would go. */
  #find(key: string, h: number): number {
    const t = this.#table, mask = this.#mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = t[i]!;
      if (v === 0) return i;
      if (this.#hash[v - 1] === h && this.#key[v - 1] === key) return i;
    }
  }

  #rehash(size: number): void {
    const t = new Int32Array(size);
    const mask = size - 1;
    for (let s = this.#head; s >= 0; s = this.#next[s]!) {
      let i = this.#hash[s]! & mask;
      while (t[i] !== 0) i = (i + 1) & mask;
      t[i] = s + 1;
    }
    this.#table = t;
    this.#mask = mask;
  }

  #ensureSlot(slot: number): void {
    while (this.#key.length <= slot) this.#key.push(undefined);
    if (slot < this.#hash.length) return;
    let n = this.#hash.length;
    while (n <= slot) n *= 2;
    this.#hash = grown(this.#hash, n);
    this.#next = grown(this.#next, n);
    this.#prev = grown(this.#prev, n);
  }
}

/** 32-bit hash of an id (FNV-1a, then murmur3's finaliser). */
function hashKey(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return fmix32(h) | 0;
}

/**
 * Small integer ids for strings that many slots repeat (H3 cells, a sector's centre, an event kind),
 * so a slot store keeps an `Int32Array` of ids instead of an array of references: 4 bytes a field off
 * the JS heap instead of 8 on it (Node runs V8 without pointer compression), and one shared copy of
 * each string.
 *
 * Append-only: an id stays valid for the table's life. Bounded: past `max` distinct strings
 * {@link id} returns -1 for a string not seen yet, and the caller keeps that value some other way
 * (values come from input, which could hold any number of distinct cells). The cells of a city's
 * network and the places of its phones are a few thousand to a few hundred thousand.
 *
 * @example
 * const cells = new StringIds();
 * const id = cells.id('8928308280fffff'); // 0
 * cells.str(id); // '8928308280fffff'
 */
export class StringIds {
  readonly #ids = new Map<string, number>();
  readonly #strs: string[] = [];
  readonly #max: number;

  constructor(max = 1 << 18) {
    this.#max = max;
  }

  /** Distinct strings held. */
  get size(): number {
    return this.#strs.length;
  }

  /** The id of `s` (a new one the first time it is seen), or -1 when the table is full and `s` is new. */
  id(s: string): number {
    const i = this.#ids.get(s);
    if (i !== undefined) return i;
    if (this.#strs.length >= this.#max) return -1;
    const n = this.#strs.length;
    this.#ids.set(s, n);
    this.#strs.push(s);
    return n;
  }

  /** The string of an id this table gave. */
  str(id: number): string {
    return this.#strs[id]!;
  }

  /**
   * Stores `v` in field `at` of a slot store's `ids` as its id ({@link NO_ID} for undefined): a new
   * string the full table cannot take is marked {@link SPILLED} and kept in `spill` under `key`
   * (default `at`); a spilled value the field held before leaves `spill`.
   */
  store(ids: Int32Array, at: number, v: string | undefined, spill: Map<number, string>, key = at): void {
    const old = ids[at]!;
    if (old === SPILLED) spill.delete(key);
    if (v === undefined) {
      ids[at] = NO_ID;
    } else if (old < 0 || this.#strs[old] !== v) {
      const id = this.id(v);
      ids[at] = id >= 0 ? id : SPILLED;
      if (id < 0) spill.set(key, v);
    }
  }

  /** The value {@link store} put in field `at` (undefined for {@link NO_ID}). */
  load(ids: Int32Array, at: number, spill: Map<number, string>, key = at): string | undefined {
    const id = ids[at]!;
    return id >= 0 ? this.#strs[id] : id === NO_ID ? undefined : spill.get(key);
  }
}

/** {@link StringIds.store}: a field with no string. */
export const NO_ID = -1;
/** {@link StringIds.store}: a field whose string the full table could not take (it is in the spill map). */
export const SPILLED = -2;

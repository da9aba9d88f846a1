/**
 * One shared copy per distinct string, for values that many long-lived records repeat — an H3 cell
 * that h3-js returns as a fresh two-part string at every call (~80 bytes: a cons string and its two
 * halves), kept by every device whose stay is in that cell. Bounded: past `max` distinct values the
 * table starts again (the values kept so far stay valid; only sharing is lost for a while).
 *
 * @example
 * const cells = new Interner();
 * const h3 = cells.get(latLngToCell(lat, lng, 8));
 */
export class Interner {
  readonly #table = new Map<string, string>();
  readonly #max: number;

  constructor(max = 1_000_000) {
    this.#max = max;
  }

  /** The shared copy of `s` (`s` itself the first time it is seen). */
  get(s: string): string {
    const t = this.#table.get(s);
    if (t !== undefined) return t;
    if (this.#table.size >= this.#max) this.#table.clear();
    this.#table.set(s, s);
    return s;
  }
}

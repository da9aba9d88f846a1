import type { Corridor } from './corridor.ts';
import type { Hop } from './hop.ts';

/**
 * Hops grouped by the cell they cross, so each corridor only looks at the hops through its own
 * cells (many corridors × all hops is slow on a week of data). Cells are numbered once here, so the
 * per-corridor test is array reads rather than string lookups: the main job's 865 learned corridors
 * looked at 8.8 M hops per bin size.
 */
export class HopIndex {
  readonly #hops: readonly Hop[];
  readonly #ids = new Map<string, number>();
  /** Cell numbers of each hop's prev, h3 and next. */
  readonly #prev: Int32Array;
  readonly #cell: Int32Array;
  readonly #next: Int32Array;
  /** Per cell number, the positions in `hops` of the hops crossing it, in `hops` order. */
  readonly #byCell: number[][] = [];

  constructor(hops: readonly Hop[]) {
    this.#hops = hops;
    this.#prev = new Int32Array(hops.length);
    this.#cell = new Int32Array(hops.length);
    this.#next = new Int32Array(hops.length);
    for (let i = 0; i < hops.length; i++) {
      const h = hops[i]!;
      this.#prev[i] = this.#id(h.prev);
      const cell = (this.#cell[i] = this.#id(h.h3));
      this.#next[i] = this.#id(h.next);
      this.#byCell[cell]!.push(i);
    }
  }

  #id(cell: string): number {
    let id = this.#ids.get(cell);
    if (id === undefined) {
      this.#ids.set(cell, (id = this.#ids.size));
      this.#byCell.push([]);
    }
    return id;
  }

  /**
   * The hops that run along the corridor — prev, cell and next at increasing corridor positions,
   * skipping at most one cell each step (the hops {@link corridorDeviceSpeeds} keeps) — cell by
   * cell in corridor order, each cell's hops in input order. A cell listed twice takes its last
   * position, as in `corridorDeviceSpeeds`.
   */
  alongCorridor(c: Corridor): Hop[] {
    const pos = new Int32Array(this.#ids.size).fill(-1);
    c.cells.forEach((cell, i) => {
      const id = this.#ids.get(cell);
      if (id !== undefined) pos[id] = i;
    });
    const out: Hop[] = [];
    for (const cell of c.cells) {
      const id = this.#ids.get(cell);
      if (id === undefined) continue;
      for (const i of this.#byCell[id]!) {
        const a = pos[this.#prev[i]!]!, b = pos[this.#cell[i]!]!, n = pos[this.#next[i]!]!;
        if (a < 0 || n < 0 || !(b - a >= 1 && b - a <= 2 && n - b >= 1 && n - b <= 2)) continue;
        out.push(this.#hops[i]!);
      }
    }
    return out;
  }
}

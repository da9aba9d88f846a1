import type { Corridor } from './corridor.ts';
import type { Hop } from './hop.ts';

/**
 * Hops grouped by the cell they cross, so each corridor only looks at the hops through its own
 * cells (many corridors × all hops is slow on a week of data).
 */
export class HopIndex {
  readonly #byCell = new Map<string, Hop[]>();

  constructor(hops: readonly Hop[]) {
    for (const h of hops) {
      let l = this.#byCell.get(h.h3);
      if (!l) this.#byCell.set(h.h3, (l = []));
      l.push(h);
    }
  }

  /** The hops crossing one of the corridor's cells (each once). */
  onCorridor(c: Corridor): Hop[] {
    return c.cells.flatMap((cell) => this.#byCell.get(cell) ?? []);
  }
}

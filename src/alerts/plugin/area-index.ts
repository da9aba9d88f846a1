import { cellToParent } from 'h3-js';
import type { PresenceRow } from '../../core/presence-row.ts';
import type { WatchedArea } from '../engine/watched-area.ts';

/** Devices present per watched area in one closed window. */
export interface AreaWindowCounts {
  windowStart: number;
  windowEnd: number;
  devices: Map<string, number>;
}

/**
 * Maps presence rows to watched areas: H3 cell → the areas holding it (areas may overlap; a cell in
 * two areas counts in both). Rows finer than the areas' resolution count in their parent cell.
 */
export class AreaIndex {
  readonly resolution: number;
  readonly #areaIds: string[];
  readonly #byCell = new Map<string, string[]>();
  /** Row cell → areas, for rows finer than {@link resolution}. */
  readonly #fine = new Map<string, string[] | null>();

  constructor(areas: readonly WatchedArea[]) {
    this.resolution = areas[0]?.resolution ?? 0;
    for (const a of areas) {
      if (a.resolution !== this.resolution) throw new RangeError(`area "${a.id}" has cells at res ${a.resolution}, others at ${this.resolution}`);
      for (const c of a.cells) {
        const list = this.#byCell.get(c);
        if (list) list.push(a.id);
        else this.#byCell.set(c, [a.id]);
      }
    }
    this.#areaIds = areas.map((a) => a.id);
  }

  /**
   * Sums `present` per window and area, windows in order of first appearance; every area gets a
   * count (0 when none of its cells has a row). Throws on rows coarser than the areas.
   */
  count(rows: readonly PresenceRow[]): AreaWindowCounts[] {
    const out: AreaWindowCounts[] = [];
    let cur: AreaWindowCounts | undefined;
    const byStart = new Map<number, AreaWindowCounts>();
    for (const r of rows) {
      if (!cur || cur.windowStart !== r.windowStart) {
        cur = byStart.get(r.windowStart);
        if (!cur) {
          cur = { windowStart: r.windowStart, windowEnd: r.windowEnd, devices: new Map(this.#areaIds.map((id) => [id, 0])) };
          byStart.set(r.windowStart, cur);
          out.push(cur);
        }
      }
      const ids = this.#areasOf(r);
      if (ids) for (const id of ids) cur.devices.set(id, cur.devices.get(id)! + r.present);
    }
    return out;
  }

  #areasOf(r: PresenceRow): string[] | null | undefined {
    if (r.res === this.resolution) return this.#byCell.get(r.h3);
    if (r.res < this.resolution) {
      throw new RangeError(`presence rows at res ${r.res} are coarser than the watched areas (res ${this.resolution}): build the areas at the pipeline's base resolution`);
    }
    let ids = this.#fine.get(r.h3);
    if (ids === undefined) {
      ids = this.#byCell.get(cellToParent(r.h3, this.resolution)) ?? null;
      this.#fine.set(r.h3, ids);
    }
    return ids;
  }
}

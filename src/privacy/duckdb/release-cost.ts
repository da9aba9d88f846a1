import { unitOfElement } from '../release/released-totals.ts';
import type { ComputedReleases } from './compute-releases.ts';
import type { ZoneCellMaps } from './zone-cell-maps.ts';

/** The cost of a release for one kind of unit: people in the input vs people in released figures. */
export interface ReleaseCostRow {
  /** `res 9` … `res 5`, or `zones <system>`. */
  unit: string;
  /** People summed over all windows (for zones: in cells of the zone system). */
  people: number;
  /** Of those, people in released figures of this unit kind. */
  released: number;
  /** 100 × (people − released) / people. */
  withheldPct: number;
}

/**
 * Share of people withheld per H3 resolution (base … top) and per zone system (of the people in its
 * cells), summed over windows.
 * An element counts at res r when it fits in one res-r hexagon (anchor_res ≥ r), in a zone system when
 * all its cells lie in one zone.
 */
export function releaseCost(computed: ComputedReleases, zones: ZoneCellMaps): ReleaseCostRow[] {
  const rows: ReleaseCostRow[] = [];
  if (computed.baseRes === null || computed.topRes === null) return rows;
  const total = computed.windows.reduce((s, w) => s + w.release.total, 0);
  for (let res = computed.baseRes; res >= computed.topRes; res--) {
    let released = 0;
    for (const w of computed.windows) for (const e of w.release.elements) if (e.anchorLevel >= res) released += e.count;
    rows.push(row(`res ${res}`, total, released));
  }
  for (const [system, cells] of zones) {
    let people = 0;
    let released = 0;
    for (const w of computed.windows) {
      for (const [cell, count] of w.counts) if (cells.has(cell)) people += count;
      for (const e of w.release.elements) if (unitOfElement(e, (c) => cells.get(c)) !== undefined) released += e.count;
    }
    rows.push(row(`zones ${system}`, people, released));
  }
  return rows;
}

function row(unit: string, people: number, released: number): ReleaseCostRow {
  return { unit, people, released, withheldPct: people === 0 ? 0 : Math.round((10000 * (people - released)) / people) / 100 };
}

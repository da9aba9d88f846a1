import { cellArea, polygonToCells } from 'h3-js';
import { ZoneError } from './zone-error.ts';
import type { ZoneFeature } from './zone-feature.ts';

/** What to do when a cell centre falls in two zones (overlapping polygons). */
export const OVERLAP_RULES = ['error', 'first'] as const;
export type OverlapRule = (typeof OVERLAP_RULES)[number];

/** Configuration of {@link mapZoneCells}. */
export interface ZoneCellsConfig {
  /** H3 resolution of the cells: the base resolution of `presence`. Default 9. */
  res?: number;
  /**
   * A cell whose centre lies in two zones: `error` (default) names both zones; `first` keeps the zone
   * that comes first in the file, so no cell is ever counted twice.
   */
  onOverlap?: OverlapRule;
}

/** The cells of each zone, and what the mapping noticed. */
export interface ZoneCells {
  res: number;
  /** Per zone, in file order: its cells as H3 hex strings, sorted. */
  cells: { zone: ZoneFeature; h3: string[] }[];
  /** Ids of zones that got no cell (smaller or thinner than a hexagon at `res`). */
  empty: string[];
  /** Cells whose centre was in more than one zone (kept in the first, with `onOverlap: 'first'`). */
  overlaps: number;
  /** Total area of the mapped cells, km². */
  cellAreaKm2: number;
}

/**
 * Maps zones to H3 cells by the centre rule: a cell belongs to the zone whose polygon contains the
 * cell's centre (h3-js `polygonToCells`, which selects cells by centre containment). Zones that tile
 * the city therefore share no cell and leave none out, so summing people per zone never double-counts;
 * a zone thinner than a hexagon may get no cell. Pure.
 * @throws ZoneError for a polygon H3 cannot fill, or (with `onOverlap: 'error'`) a cell in two zones.
 */
export function mapZoneCells(zones: readonly ZoneFeature[], config: ZoneCellsConfig = {}): ZoneCells {
  const res = config.res ?? 9;
  if (!Number.isInteger(res) || res < 0 || res > 15) throw new RangeError(`H3 resolution must be an integer from 0 to 15, got ${res}`);
  const onOverlap = config.onOverlap ?? 'error';
  const owner = new Map<string, ZoneFeature>();
  const out: ZoneCells = { res, cells: [], empty: [], overlaps: 0, cellAreaKm2: 0 };
  for (const zone of zones) {
    const polygons = zone.geometry.type === 'Polygon' ? [zone.geometry.coordinates] : zone.geometry.coordinates;
    const mine = new Set<string>();
    for (const polygon of polygons) {
      let cells: string[];
      try {
        cells = polygonToCells(polygon, res, true);
      } catch (cause) {
        throw new ZoneError(`feature #${zone.index} (${zone.id}, ${JSON.stringify(zone.name)}): H3 cannot fill its polygon (${(cause as Error).message})`, { feature: zone.index, zoneId: zone.id, cause });
      }
      for (const c of cells) mine.add(c);
    }
    const kept: string[] = [];
    for (const c of mine) {
      const other = owner.get(c);
      if (other === undefined) {
        owner.set(c, zone);
        kept.push(c);
        continue;
      }
      out.overlaps++;
      if (onOverlap === 'error') {
        throw new ZoneError(
          `features #${other.index} (${other.id}, ${JSON.stringify(other.name)}) and #${zone.index} (${zone.id}, ${JSON.stringify(zone.name)}) overlap: the centre of cell ${c} lies in both (fix the polygons, or keep the first zone with --on-overlap first)`,
          { feature: zone.index, zoneId: zone.id },
        );
      }
    }
    kept.sort();
    if (kept.length === 0) out.empty.push(zone.id);
    for (const c of kept) out.cellAreaKm2 += cellArea(c, 'km2');
    out.cells.push({ zone, h3: kept });
  }
  return out;
}

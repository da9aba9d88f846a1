import { cellToLatLng, greatCircleDistance } from 'h3-js';
import type { Corridor, CorridorSource } from './corridor.ts';

/**
 * A corridor through the centres of `cells` (in order): geometry through the cell centres, a vehicle
 * entering cell `i` at the midpoint between centres `i − 1` and `i`, length from the first centre to
 * the last.
 *
 * @example
 * corridorFromCells('A1', ['89…', '89…', '89…'], 'learned')
 */
export function corridorFromCells(id: string, cells: readonly string[], source: CorridorSource, freeFlowKmh: number | null = null): Corridor {
  if (cells.length < 3) throw new RangeError(`corridor ${id}: needs at least 3 cells, got ${cells.length}`);
  if (new Set(cells).size !== cells.length) throw new RangeError(`corridor ${id}: a cell repeats`);
  const pts = cells.map((c) => cellToLatLng(c));
  const entries = [0];
  let along = 0;
  for (let i = 1; i < pts.length; i++) {
    const d = greatCircleDistance(pts[i - 1]!, pts[i]!, 'm');
    entries.push(along + d / 2);
    along += d;
  }
  return {
    id, source, cells: [...cells], entriesM: entries, lengthM: along, freeFlowKmh,
    geometry: { type: 'LineString', coordinates: pts.map(([lat, lng]) => [round6(lng), round6(lat)]) },
  };
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

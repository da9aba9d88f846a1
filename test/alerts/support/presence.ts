import { gridDisk, latLngToCell } from 'h3-js';
import type { WatchedArea } from '../../../src/alerts/engine/watched-area.ts';
import type { PresenceRow } from '../../../src/core/presence-row.ts';
import { W } from './areas.ts';

/** Seven res-9 cells around San Siro, one in Parco Sempione, one elsewhere nobody watches. */
export const STADIUM_CELLS = gridDisk(latLngToCell(45.4781, 9.124, 9), 1).sort();
export const PARK_CELL = latLngToCell(45.4726, 9.1766, 9);
export const OTHER_CELL = latLngToCell(45.4408, 9.2275, 9);

export const STADIUM_AREA: WatchedArea = {
  id: 'stadium',
  name: 'San Siro',
  capacity: 50_000,
  cells: STADIUM_CELLS,
  resolution: 9,
  areaKm2: 0.74,
  centroidFallback: false,
};
export const PARK_AREA: WatchedArea = { id: 'park', name: 'Parco Sempione', capacity: 5_000, cells: [PARK_CELL], resolution: 9, areaKm2: 0.1, centroidFallback: false };

/**
 * Presence rows of one window: the stadium count spread over its cells (remainder in the first),
 * the park count in its cell, and some devices elsewhere. In H3 order, as the pipeline emits them.
 */
export function presenceRows(windowStart: number, stadium: number, park: number, other = 1234): PresenceRow[] {
  const rows: PresenceRow[] = [];
  const per = Math.floor(stadium / STADIUM_CELLS.length);
  STADIUM_CELLS.forEach((h3, i) => {
    const present = per + (i === 0 ? stadium - per * STADIUM_CELLS.length : 0);
    if (present > 0) rows.push(row(windowStart, h3, present));
  });
  if (park > 0) rows.push(row(windowStart, PARK_CELL, park));
  rows.push(row(windowStart, OTHER_CELL, other));
  return rows.sort((a, b) => (a.h3 < b.h3 ? -1 : 1));
}

function row(windowStart: number, h3: string, present: number): PresenceRow {
  return { windowStart, windowEnd: windowStart + W, h3, res: 9, present, active: present, events: present * 3 };
}

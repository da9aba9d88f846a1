/**
 * One version of a cell site: a mast with three sectors (cells) at one position. A site re-planned
 * during the simulation has two versions with the same cell ids, non-overlapping validity and
 * different positions.
 */
export interface CellSite {
  /** Site id, e.g. `S0042`. */
  id: string;
  /** Tracking/location area code shared by nearby sites. */
  lac: number;
  /** Position in the city's metric frame, metres. */
  x: number;
  y: number;
  /** Position, WGS84 (rounded to 6 decimals, as written to the cell table). */
  lat: number;
  lon: number;
  /** Azimuth of each sector, degrees from north. */
  azimuths: readonly [number, number, number];
  /** Cell global id of each sector: `222-01-<lac>-<ci>`. */
  cellIds: readonly [string, string, string];
  /** Nominal range, metres. */
  rangeM: number;
  /** Inclusive start of this version, epoch ms (`-Infinity` when open). */
  validFrom: number;
  /** Exclusive end of this version, epoch ms (`Infinity` when open). */
  validTo: number;
}

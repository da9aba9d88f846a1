import { mccCountry } from './mcc-countries.ts';

/**
 * What the live visitor counts know of each device's origin: the network's MCC and each domestic
 * device's home zone, from the stays already stored when the pipeline started
 * (`loadOriginBook`, src/population/duckdb/load-origin-book.ts). Filled once, read per window.
 */
export interface OriginBook {
  /** The network's MCC (configured or most seen); null: every device is domestic. */
  homeMcc: string | null;
  /** Home zone (or H3 cell) per pseudonymous device. */
  homes: Map<string, string>;
  /**
   * MCC per device: `device_mcc` at start, then every MCC seen since (a window in which a device is
   * only held, without events, carries no MCC of its own).
   */
  mcc: Map<string, string>;
}

/** An empty book (filled by the plugin's init). */
export function emptyOriginBook(): OriginBook {
  return { homeMcc: null, homes: new Map(), mcc: new Map() };
}

/**
 * Origin of a visitor (docs/population.md): the ISO country of an inbound roamer (MCC other than the
 * network's; `unknown` for an MCC not in the table), else the device's home zone, else `unknown`.
 */
export function visitorOrigin(book: OriginBook, device: string, seen: string | undefined): string {
  if (seen !== undefined) book.mcc.set(device, seen);
  const mcc = seen ?? book.mcc.get(device);
  if (book.homeMcc !== null && mcc !== undefined && mcc !== book.homeMcc) return mccCountry(mcc) ?? 'unknown';
  return book.homes.get(device) ?? 'unknown';
}

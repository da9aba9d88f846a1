import { cellToLatLng, greatCircleDistance } from 'h3-js';
import type { Hop } from './hop.ts';

const H = 3_600_000;

/**
 * Which devices were in a vehicle around which hours: a device that crossed any cell faster than
 * `minKmh` (cell centre to next cell centre over the crossing time) in an hour is a vehicle in that
 * hour and the hours either side. A car stuck in a jam crawls at walking pace; this keeps it
 * traffic instead of a walker. Returns a test `(device, ts) → boolean`.
 */
export function vehicleHours(hops: readonly Hop[], minKmh: number): (device: string, ts: number) => boolean {
  const centre = new Map<string, [number, number]>();
  const at = (h: string) => {
    let c = centre.get(h);
    if (!c) centre.set(h, (c = cellToLatLng(h)));
    return c;
  };
  const set = new Set<string>();
  for (const h of hops) {
    const ms = h.exitTs - h.enterTs;
    if (!(ms > 0)) continue;
    const kmh = (greatCircleDistance(at(h.h3), at(h.next), 'm') / ms) * 3_600;
    if (kmh < minKmh) continue;
    const hour = Math.floor(h.enterTs / H);
    for (const x of [hour - 1, hour, hour + 1]) set.add(`${h.device}|${x}`);
  }
  return (device, ts) => set.has(`${device}|${Math.floor(ts / H)}`);
}

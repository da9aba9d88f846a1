import { cellToLatLng, greatCircleDistance } from 'h3-js';
import type { Hop } from './hop.ts';

/** How far before and after a slow crossing a fast one must be for the device to count as driving. */
const AROUND_MS = 1_800_000;

/**
 * Which devices were in a vehicle when: a device crossing cells at walking pace at `ts` is a vehicle
 * stuck in traffic when it also crossed some cell faster than `minKmh` (cell centre to next cell
 * centre over the crossing time) within 30 minutes before `ts` **and** within 30 minutes after —
 * a jam sits in the middle of a drive. A driver who parked and walks on (or stands in a stadium,
 * handed between its cells) has no fast crossing after, one who walks to the car none before: both
 * stay walkers. Returns a test `(device, ts) → boolean`.
 */
export function vehicleHours(hops: readonly Hop[], minKmh: number): (device: string, ts: number) => boolean {
  const centre = new Map<string, [number, number]>();
  const at = (h: string) => {
    let c = centre.get(h);
    if (!c) centre.set(h, (c = cellToLatLng(h)));
    return c;
  };
  const fast = new Map<string, number[]>();
  for (const h of hops) {
    const ms = h.exitTs - h.enterTs;
    if (!(ms > 0)) continue;
    const kmh = (greatCircleDistance(at(h.h3), at(h.next), 'm') / ms) * 3_600;
    if (kmh < minKmh) continue;
    let l = fast.get(h.device);
    if (!l) fast.set(h.device, (l = []));
    l.push(h.enterTs);
  }
  for (const l of fast.values()) l.sort((a, b) => a - b);
  return (device, ts) => {
    const l = fast.get(device);
    if (!l) return false;
    // First fast crossing at or after ts − AROUND_MS.
    let lo = 0, hi = l.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (l[mid]! < ts - AROUND_MS) lo = mid + 1;
      else hi = mid;
    }
    let before = false, after = false;
    for (let i = lo; i < l.length && l[i]! <= ts + AROUND_MS; i++) {
      if (l[i]! < ts) before = true;
      else if (l[i]! > ts) after = true;
    }
    return before && after;
  };
}

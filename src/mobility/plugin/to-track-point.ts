import { cellToLatLng, type CoordPair } from 'h3-js';
import { FIX_KIND } from '../../../schemas/events.ts';
import type { DeviceEvent } from '../../window/device-window.ts';
import type { TrackPoint } from '../engine/track-point.ts';

const centres = new Map<string, [number, number]>();

/**
 * A seam event as a track point, at its finer position `at` when there is one — a signalling event
 * of a sectored cell at the centre of the sector's served area, a fix at its own position (res 11)
 * — else at `h3` (an omni cell's site); `fix` → GPS; `detach` ends holding.
 */
export function toTrackPoint(e: DeviceEvent): TrackPoint {
  const at = e.at ?? e.h3;
  const gps = e.kind === FIX_KIND;
  let c: CoordPair | undefined;
  if (gps) {
    // A fix's cell is a fresh string, nearly never seen again: caching it cost more (hashing it into a
    // map of up to 200k entries, ~1.2 µs a fix) than computing its centre (~0.5 µs).
    c = cellToLatLng(at);
  } else {
    // Sector centres and sites: a bounded set, looked up again and again.
    c = centres.get(at);
    if (!c) {
      if (centres.size > 200_000) centres.clear();
      c = cellToLatLng(at);
      centres.set(at, c);
    }
  }
  return { ts: e.ts, h3: at, lat: c[0], lng: c[1], gps, detach: e.kind === 'detach' };
}

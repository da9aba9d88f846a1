import { cellToLatLng } from 'h3-js';
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
  let c = centres.get(at);
  if (!c) {
    if (centres.size > 200_000) centres.clear();
    c = cellToLatLng(at);
    centres.set(at, c);
  }
  return { ts: e.ts, h3: at, lat: c[0], lng: c[1], gps: e.kind === 'fix', detach: e.kind === 'detach' };
}

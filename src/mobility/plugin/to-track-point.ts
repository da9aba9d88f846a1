import { cellToLatLng } from 'h3-js';
import type { DeviceEvent } from '../../window/device-window.ts';
import type { TrackPoint } from '../engine/track-point.ts';

const centres = new Map<string, [number, number]>();

/** A seam event as a track point (cell centre in degrees; `fix` → GPS; `detach` ends holding). */
export function toTrackPoint(e: DeviceEvent): TrackPoint {
  let c = centres.get(e.h3);
  if (!c) {
    if (centres.size > 200_000) centres.clear();
    c = cellToLatLng(e.h3);
    centres.set(e.h3, c);
  }
  return { ts: e.ts, h3: e.h3, lat: c[0], lng: c[1], gps: e.kind === 'fix', detach: e.kind === 'detach' };
}

import { cellToLatLng } from 'h3-js';
import type { DeviceEvent } from '../../window/device-window.ts';
import type { TrackPoint } from '../engine/track-point.ts';

const centres = new Map<string, [number, number]>();

/**
 * A seam event as a track point: a signalling event of a sectored cell sits at its sector's centre
 * (`sector`, the site moved half the cell range along the azimuth), an omni cell's at its site
 * (`h3`), a fix at its own cell (`fix` → GPS); `detach` ends holding.
 */
export function toTrackPoint(e: DeviceEvent): TrackPoint {
  const at = e.sector ?? e.h3;
  let c = centres.get(at);
  if (!c) {
    if (centres.size > 200_000) centres.clear();
    c = cellToLatLng(at);
    centres.set(at, c);
  }
  return { ts: e.ts, h3: at, lat: c[0], lng: c[1], gps: e.kind === 'fix', detach: e.kind === 'detach' };
}

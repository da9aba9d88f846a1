import { latLngToCell } from 'h3-js';
import type { Device } from '../device/device.ts';
import type { LocalFrame } from '../geo/local-frame.ts';
import type { Segment, XY } from '../people/segment.ts';

/** Resolution of the truth cells. */
export const TRUTH_H3_RES = 9;

/** Sampling step along moves: a res-9 cell is ~350 m across, crossed in 1–5 minutes. */
const SAMPLE_MS = 180_000;
const MAX_SAMPLES = 5;
const keys: string[] = [];
const weights: number[] = [];
const pos: XY = { x: 0, y: 0 };

/**
 * The H3 cell (res 9) where a device physically spent most of [w0, w1), or null when its phone was
 * off for more than half of it. Stays count exactly; moves are sampled every three minutes (at most
 * five times per window). Advances the device's `truthSeg` cursor: ask for windows in order.
 */
export function windowTruth(device: Device, w0: number, w1: number, frame: LocalFrame): string | null {
  const off = overlap(w0, w1, -Infinity, device.attachAt) + overlap(w0, w1, device.detachAt, Infinity);
  const segs = device.segs;
  while (device.truthSeg < segs.length - 1 && segs[device.truthSeg]!.to <= w0) device.truthSeg++;
  if (off * 2 > w1 - w0) return null;
  const first = segs[device.truthSeg]!;
  if (!first.moving && first.from <= w0 && first.to >= w1) return stayH3(first, frame); // most windows
  keys.length = 0;
  weights.length = 0;
  for (let i = device.truthSeg; i < segs.length && segs[i]!.from < w1; i++) {
    const s = segs[i]!;
    const a = Math.max(w0, s.from), b = Math.min(w1, s.to);
    if (b <= a) continue;
    if (!s.moving) {
      add(stayH3(s, frame), b - a);
      continue;
    }
    const n = Math.min(MAX_SAMPLES, Math.ceil((b - a) / SAMPLE_MS));
    const step = (b - a) / n;
    for (let k = 0; k < n; k++) {
      s.locate(a + (k + 0.5) * step, pos);
      add(latLngToCell(frame.lat(pos.y), frame.lon(pos.x), TRUTH_H3_RES), step);
    }
  }
  let best = -1;
  for (let k = 0; k < keys.length; k++) if (best < 0 || weights[k]! > weights[best]!) best = k;
  return best < 0 ? null : keys[best]!;
}

function stayH3(s: Segment, frame: LocalFrame): string {
  if (s.h3 === '') s.h3 = latLngToCell(frame.lat(s.y), frame.lon(s.x), TRUTH_H3_RES);
  return s.h3;
}

function add(h3: string, w: number): void {
  const k = keys.indexOf(h3);
  if (k >= 0) weights[k]! += w;
  else keys.push(h3), weights.push(w);
}

function overlap(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

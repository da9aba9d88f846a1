import type { Device } from '../device/device.ts';
import type { LocalFrame } from '../geo/local-frame.ts';
import type { TruthSink } from './truth-sink.ts';
import { windowTruth } from './window-truth.ts';

/**
 * The per-window position truth of every device. Most devices sit in one place for hours, so each
 * answer is cached with how long it stays valid (to the end of the stay, the next phone on/off, or
 * the day's end when plans change): a window then costs two array reads instead of a walk through
 * the device's timeline.
 */
export class PositionTruth {
  readonly #devices: readonly Device[];
  readonly #imsis: string[];
  readonly #frame: LocalFrame;
  readonly #until: Float64Array;
  readonly #h3: string[];

  constructor(devices: readonly Device[], frame: LocalFrame) {
    this.#devices = devices;
    this.#imsis = devices.map((d) => d.sub.imsi);
    this.#frame = frame;
    this.#until = new Float64Array(devices.length).fill(-Infinity);
    this.#h3 = devices.map(() => '');
  }

  /**
   * Reports where each device was for most of [w0, w1) (devices off for most of it are skipped).
   * `horizon`: no cached answer outlives it (the end of the day being simulated).
   */
  report(w0: number, w1: number, horizon: number, position: NonNullable<TruthSink['position']>): void {
    const until = this.#until, cache = this.#h3;
    for (let i = 0; i < until.length; i++) {
      let h3: string;
      if (w1 <= until[i]!) h3 = cache[i]!;
      else {
        const d = this.#devices[i]!;
        h3 = windowTruth(d, w0, w1, this.#frame) ?? '';
        until[i] = h3 === '' ? -Infinity : stableUntil(d, w0, w1, horizon);
        cache[i] = h3;
      }
      if (h3 !== '') position({ windowStart: w0, imsi: this.#imsis[i]!, h3 });
    }
  }
}

/** Until when a window answer for a device resting in one stay, phone on, stays the same. */
function stableUntil(d: Device, w0: number, w1: number, horizon: number): number {
  const s = d.segs[d.truthSeg]!;
  if (s.moving || s.from > w0 || s.to < w1) return -Infinity;
  let u = Math.min(s.to, horizon);
  if (d.attachAt > w0) u = Math.min(u, d.attachAt);
  if (d.detachAt > w0) u = Math.min(u, d.detachAt);
  return u;
}

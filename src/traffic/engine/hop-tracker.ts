import type { DeviceEvent } from '../../window/device-window.ts';
import type { Hop } from './hop.ts';

/** What a device's last handovers were (plain data, checkpointed). */
export interface HopTrackState {
  device: string;
  /** Cell before the current one ('' when unknown). */
  prev: string;
  /** Current serving cell ('' when unknown). */
  cur: string;
  /** Handover time into `cur`, or NaN when it was not entered by a handover (attach, first sight). */
  enterTs: number;
  /** Last event time. */
  lastTs: number;
}

/** A fresh track. */
export function newHopTrack(device: string): HopTrackState {
  return { device, prev: '', cur: '', enterTs: NaN, lastTs: -Infinity };
}

/**
 * Feeds one located event of a device: GPS fixes are ignored (their H3 is the fix, not a serving
 * cell), a detach forgets the cells, and a change of serving cell by handover from `cur` into a
 * third cell emits a {@link Hop} when `cur` had been entered by a handover too and within `maxHopMs`.
 * A ping-pong (A → B → A) emits nothing.
 */
export function pushHopEvent(s: HopTrackState, e: DeviceEvent, maxHopMs: number, out: Hop[]): void {
  if (e.kind === 'fix') return;
  s.lastTs = e.ts;
  if (e.kind === 'detach') {
    s.prev = s.cur = '';
    s.enterTs = NaN;
    return;
  }
  if (e.h3 === s.cur) return;
  const handover = e.kind === 'handover' && s.cur !== '';
  if (handover && s.prev !== '' && s.prev !== e.h3 && !Number.isNaN(s.enterTs) && e.ts - s.enterTs <= maxHopMs && e.ts > s.enterTs) {
    out.push({ device: s.device, prev: s.prev, h3: s.cur, next: e.h3, enterTs: s.enterTs, exitTs: e.ts });
  }
  s.prev = s.cur;
  s.cur = e.h3;
  s.enterTs = handover ? e.ts : NaN;
}

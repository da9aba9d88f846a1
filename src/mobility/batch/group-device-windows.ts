import type { LocatedEvent } from '../../../schemas/events.ts';
import type { DeviceEvent, DeviceWindow } from '../../window/device-window.ts';

/** One closed window as the device-level seam hands it over. */
export interface ClosedDeviceWindow {
  windowStart: number;
  windowEnd: number;
  devices: DeviceWindow[];
}

/**
 * Groups located events (any order) into epoch-aligned tumbling windows of `windowMs`, per device,
 * in event-time order (arrival among equal ts) — the `events` part of the seam's {@link DeviceWindow}s,
 * windows in order. `dominant` and `dwell` are left empty: the trajectory layer reads only events.
 * Used by tests and the accuracy command to drive a consumer the way a pipeline does.
 */
export function groupDeviceWindows(events: readonly LocatedEvent[], windowMs: number): ClosedDeviceWindow[] {
  if (!(windowMs > 0)) throw new RangeError(`groupDeviceWindows: windowMs must be > 0, got ${windowMs}`);
  const idx = events.map((_, i) => i);
  idx.sort((a, b) => events[a]!.ts - events[b]!.ts || a - b);
  const windows = new Map<number, Map<string, DeviceWindow>>();
  for (const i of idx) {
    const e = events[i]!;
    const ws = Math.floor(e.ts / windowMs) * windowMs;
    let w = windows.get(ws);
    if (!w) windows.set(ws, (w = new Map()));
    let d = w.get(e.device);
    if (!d) w.set(e.device, (d = { device: e.device, windowStart: ws, windowEnd: ws + windowMs, dominant: null, dwell: [], events: [] }));
    (d.events as DeviceEvent[]).push(e.at === undefined ? { ts: e.ts, h3: e.h3, kind: e.kind } : { ts: e.ts, h3: e.h3, kind: e.kind, at: e.at });
  }
  return [...windows.keys()].sort((a, b) => a - b).map((ws) => ({ windowStart: ws, windowEnd: ws + windowMs, devices: [...windows.get(ws)!.values()] }));
}

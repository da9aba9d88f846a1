import { describe, expect, it } from 'vitest';
import { feedWindow, type DeviceWindow, type StreamingDeviceConsumer, type WindowDeviceConsumer } from '../../src/window/device-window.ts';
import { ConsumerFanout } from '../../src/window/consumer-fanout.ts';
import { PresenceEngine } from '../../src/window/presence-engine.ts';
import { mulberry32 } from '../support/mulberry32.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const cfg = { windowMs: 15 * M, latenessMs: 0, presenceTimeoutMs: 60 * M, resolution: 9 };

type Row = [windowStart: number, device: string, dominant: string | null, events: number];

/** A whole-window consumer: one row per device, in the order given. */
function wholeWindows(): WindowDeviceConsumer<Row> {
  return { name: 'whole', onWindow: (s, _e, ds) => ds.map((d): Row => [s, d.device, d.dominant, d.events.length]), snapshot: () => null, restore: () => {} };
}

/** The same rows device by device; it drops each device object (keeps only its row). */
function deviceByDevice(): StreamingDeviceConsumer<Row> & { opened: number } {
  let rows: Row[] = [];
  let s = 0;
  return {
    name: 'streaming',
    opened: 0,
    openWindow(windowStart) {
      this.opened++;
      s = windowStart;
      rows = [];
    },
    onDevice: (d: DeviceWindow) => void rows.push([s, d.device, d.dominant, d.events.length]),
    closeWindow: () => rows,
    snapshot: () => null,
    restore: () => {},
  };
}

describe('ConsumerFanout', () => {
  it('gives device-by-device and whole-window consumers the same devices, windows in order, on randomised input', () => {
    const rnd = mulberry32(11);
    const streaming = deviceByDevice();
    const outs = new Map<string, Row[]>();
    const fanout = new ConsumerFanout([wholeWindows(), streaming], (name, out) => outs.set(name, [...(outs.get(name) ?? []), ...(out as Row[])]));
    const engine = new PresenceEngine({ ...cfg, deviceSink: fanout });
    // The same input through the array listener, as a reference.
    const reference: Row[] = [];
    const ref = new PresenceEngine({ ...cfg, onDeviceWindows: (s, _e, ds) => void reference.push(...ds.map((d): Row => [s, d.device, d.dominant, d.events.length])) });
    let t = T0;
    for (let i = 0; i < 3_000; i++) {
      t += Math.floor(rnd() * 40_000);
      const ev = { ts: t, device: `d${Math.floor(rnd() * 60)}`, h3: `c${Math.floor(rnd() * 5)}`, kind: rnd() < 0.05 ? 'detach' : 'tau' };
      engine.add(ev);
      ref.add(ev);
      engine.advance(t);
      ref.advance(t);
    }
    engine.flush();
    ref.flush();
    expect(reference.length).toBeGreaterThan(1_000);
    expect(outs.get('whole')).toEqual(reference);
    expect(outs.get('streaming')).toEqual(reference);
    // One open per closed window (every window with devices).
    expect(streaming.opened).toBe(new Set(reference.map((r) => r[0])).size);
  });

  it('feedWindow drives either kind of consumer with a whole window', () => {
    const d = (device: string): DeviceWindow => ({ device, windowStart: T0, windowEnd: T0 + 15 * M, dominant: 'c1', dwell: [['c1', 60_000]], events: [] });
    const expected: Row[] = [[T0, 'a', 'c1', 0], [T0, 'b', 'c1', 0]];
    expect(feedWindow(wholeWindows(), T0, T0 + 15 * M, [d('a'), d('b')])).toEqual(expected);
    expect(feedWindow(deviceByDevice(), T0, T0 + 15 * M, [d('a'), d('b')])).toEqual(expected);
  });
});

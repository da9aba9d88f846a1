import { describe, expect, it } from 'vitest';
import type { DeviceWindow } from '../../src/window/device-window.ts';
import { PresenceEngine, type DeviceWindowSink } from '../../src/window/presence-engine.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';
import { mulberry32 } from '../support/mulberry32.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const cfg = { windowMs: 15 * M, latenessMs: 5 * M, presenceTimeoutMs: 60 * M, resolution: 9 };

/** A sink that logs what it is handed: ['open', start] , [device, dominant, events], ['close', start]. */
function recorder() {
  const log: unknown[] = [];
  const sink: DeviceWindowSink = {
    open: (s) => void log.push(['open', (s - T0) / M]),
    device: (d: DeviceWindow) => void log.push([d.device, d.windowStart, d.dominant, d.dwell, d.events.map((e) => [e.ts, e.h3, e.kind, e.at])]),
    close: () => void log.push(['close']),
  };
  return { log, sink };
}

/** The recorder's log as windows, each with its devices sorted. */
function byWindow(log: unknown[]): unknown[] {
  const out: unknown[] = [];
  let cur: string[] = [];
  for (const l of log as unknown[][]) {
    if (l[0] === 'open') cur = [];
    else if (l[0] === 'close') out.push(cur.sort());
    else cur.push(JSON.stringify(l));
  }
  return out;
}

describe('device pass after the presence rows (devicePassDelayMs)', () => {
  it('hand-computed: a window returns its presence rows when the watermark passes its end, its devices once the watermark passes end + delay', () => {
    const { log, sink } = recorder();
    const engine = new PresenceEngine({ ...cfg, deviceSink: sink, devicePassDelayMs: 2 * M });
    engine.add({ ts: T0 + 1 * M, device: 'a', h3: 'c1', kind: 'attach' });
    engine.add({ ts: T0 + 3 * M, device: 'b', h3: 'c2', kind: 'tau' });
    expect(engine.advance(T0 + 10 * M)).toEqual([]);
    // The watermark passes 08:15: the rows of 08:00–08:15 come back, nothing has gone to the sink yet.
    const rows = engine.advance(T0 + 15 * M);
    expect(rows.map((r) => [r.h3, r.present, r.active, r.events])).toEqual([
      ['c1', 1, 1, 1],
      ['c2', 1, 1, 1],
    ]);
    expect(log).toEqual([]);
    expect(engine.closedUntil).toBe(T0 + 15 * M);
    expect(engine.devicesClosedUntil).toBe(T0);
    // An event of the closed window is late even while its device pass waits.
    expect(engine.add({ ts: T0 + 14 * M, device: 'c', h3: 'c1', kind: 'tau' })).toBe(false);
    // A device's event in the next window arrives in between; it is not part of the first window's pass.
    expect(engine.add({ ts: T0 + 16 * M, device: 'a', h3: 'c3', kind: 'handover' })).toBe(true);
    expect(engine.advance(T0 + 16 * M)).toEqual([]);
    expect(log).toEqual([]);
    // 08:17 = end + delay: the device pass runs, with the window's own events only.
    expect(engine.advance(T0 + 17 * M)).toEqual([]);
    expect(log).toEqual([
      ['open', 0],
      ['a', T0, 'c1', [['c1', 14 * M]], [[T0 + M, 'c1', 'attach', undefined]]],
      ['b', T0, 'c2', [['c2', 12 * M]], [[T0 + 3 * M, 'c2', 'tau', undefined]]],
      ['close'],
    ]);
    expect(engine.devicesClosedUntil).toBe(T0 + 15 * M);
  });

  it('a window whose successor closes first hands over its devices before the successor is computed', () => {
    const { log, sink } = recorder();
    const engine = new PresenceEngine({ ...cfg, deviceSink: sink, devicePassDelayMs: 10 * M });
    engine.add({ ts: T0 + 1 * M, device: 'a', h3: 'c1', kind: 'attach' });
    engine.advance(T0 + 15 * M);
    expect(log).toEqual([]);
    // One jump past two window ends: 08:00 goes through both passes, 08:15 (the last) waits.
    const rows = engine.advance(T0 + 31 * M);
    expect(rows.map((r) => [(r.windowStart - T0) / M, r.h3, r.present])).toEqual([[15, 'c1', 1]]);
    expect(log.filter((l) => Array.isArray(l) && l[0] === 'open')).toEqual([['open', 0]]);
    expect(engine.devicesClosedUntil).toBe(T0 + 15 * M);
    engine.flush();
    expect(log.filter((l) => Array.isArray(l) && l[0] === 'open').map((l) => (l as number[])[1])).toEqual([0, 15, 30, 45, 60]);
  });

  it('on random streams, with random snapshots and restores, the rows and device windows equal a one-pass engine and the rows never come later', () => {
    for (const seed of [1, 2, 3]) {
      const r = mulberry32(seed);
      const events: { ts: number; device: string; h3: string; kind: string; at?: string }[] = [];
      for (let i = 0; i < 6_000; i++) {
        const ts = T0 + Math.floor(i * 0.05 * M + (r() < 0.3 ? -r() * 8 * M : 0));
        const kind = ['tau', 'detach', 'fix', 'call', 'handover'][Math.floor(r() * 5)]!;
        events.push({ ts, device: `d${Math.floor(r() * 150)}`, h3: `c${Math.floor(r() * 5)}`, kind, ...(kind === 'fix' ? { at: `f${i}` } : {}) });
      }
      const delay = (1 + Math.floor(r() * 19)) * M;
      const run = (delayMs: number, restoreProb: number) => {
        const rr = mulberry32(seed * 7);
        const { log, sink } = recorder();
        const make = () => new PresenceEngine({ ...cfg, deviceSink: sink, devicePassDelayMs: delayMs });
        let engine = make();
        const rowsAt: [number, PresenceRow][] = [];
        let maxTs = -Infinity;
        let deferred = 0;
        events.forEach((e, i) => {
          if (rr() < restoreProb) {
            const snap = JSON.parse(JSON.stringify(engine.snapshot()));
            engine = make();
            engine.restore(snap);
          }
          if (engine.add(e)) maxTs = Math.max(maxTs, e.ts);
          // Advances now and then, sometimes by several windows at once.
          if (rr() < 0.05) {
            for (const row of engine.advance(maxTs - cfg.latenessMs)) rowsAt.push([i, row]);
            if (engine.devicesClosedUntil < engine.closedUntil) deferred++;
          }
        });
        for (const row of engine.flush()) rowsAt.push([events.length, row]);
        return { rowsAt, log, deferred };
      };
      const onePass = run(0, 0);
      const delayed = run(delay, 0);
      const restored = run(delay, 0.01);
      expect(delayed.rowsAt).toEqual(onePass.rowsAt);
      expect(restored.rowsAt).toEqual(onePass.rowsAt);
      // The same device windows, window by window; the order of devices within a window may differ (a
      // device whose hold ended and that spoke again before the deferred pass keeps its place in the map).
      expect(byWindow(delayed.log)).toEqual(byWindow(onePass.log));
      expect(byWindow(restored.log)).toEqual(byWindow(onePass.log));
      expect(onePass.rowsAt.length).toBeGreaterThan(100);
      expect(onePass.deferred).toBe(0);
      expect(delayed.deferred).toBeGreaterThan(5);
      expect(onePass.log.length).toBeGreaterThan(1000);
    }
  });
});

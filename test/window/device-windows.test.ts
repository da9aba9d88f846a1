import { describe, expect, it } from 'vitest';
import type { DeviceWindow } from '../../src/window/device-window.ts';
import { PresenceEngine } from '../../src/window/presence-engine.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const cfg = { windowMs: 15 * M, latenessMs: 0, presenceTimeoutMs: 60 * M, resolution: 9 };

type Ev = [minute: number, device: string, h3: string, kind: string];

function run(events: Ev[], collect: boolean, snapshotAt = -1, flushOneByOne = false) {
  const windows: { start: number; devices: DeviceWindow[] }[] = [];
  const onDeviceWindows = (s: number, _e: number, devices: DeviceWindow[]) => windows.push({ start: (s - T0) / M, devices });
  let engine = new PresenceEngine(collect ? { ...cfg, onDeviceWindows } : cfg);
  const rows: PresenceRow[] = [];
  events.forEach((e, i) => {
    if (i === snapshotAt) {
      const snap = JSON.parse(JSON.stringify(engine.snapshot()));
      engine = new PresenceEngine(collect ? { ...cfg, onDeviceWindows } : cfg);
      engine.restore(snap);
    }
    engine.add({ ts: T0 + e[0] * M, device: e[1], h3: e[2], kind: e[3] });
    rows.push(...engine.advance(T0 + e[0] * M));
  });
  if (flushOneByOne) {
    // The end of input one window at a time (as `ingest` stores each before the next): each call
    // closes exactly one window.
    for (;;) {
      const before = windows.length;
      const part: PresenceRow[] = [];
      if (!engine.flushOne(part)) break;
      if (collect) expect(windows.length).toBe(before + 1);
      rows.push(...part);
    }
    expect(engine.flushOne(rows)).toBe(false);
  } else {
    rows.push(...engine.flush());
  }
  return { rows, windows };
}

/** Compact view of a device window: [device, dominant, dwell minutes, events as [minute, h3, kind]]. */
const view = (d: DeviceWindow) => [d.device, d.dominant, d.dwell.map(([h, ms]) => [h, ms / M]), d.events.map((e) => [(e.ts - T0) / M, e.h3, e.kind])];

describe('device windows (hand-computed)', () => {
  const events: Ev[] = [
    [1, 'a', 'c1', 'attach'],
    [2, 'b', 'c1', 'detach'],
    [10, 'a', 'c2', 'handover'],
    [20, 'a', 'c2', 'tau'],
  ];

  it('hands each window every device held in it: dominant cell, dwell per cell, its events with kind', () => {
    const { windows } = run(events, true);
    const byWindow = windows.map((w) => [w.start, w.devices.map(view).sort()]);
    expect(byWindow).toEqual([
      // a: c1 from 1 to 10 (9 min), c2 from 10 (5 min) → c1; b: a detach holds nothing → no dominant
      [0, [['a', 'c1', [['c1', 9], ['c2', 5]], [[1, 'c1', 'attach'], [10, 'c2', 'handover']]], ['b', null, [], [[2, 'c1', 'detach']]]]],
      // a: hold of the handover 15–20, then the tau 20–30: one cell, 15 min
      [15, [['a', 'c2', [['c2', 15]], [[20, 'c2', 'tau']]]]],
      // the tau holds until 80: 15, 15, 15, then 5 minutes in the window 75–90
      [30, [['a', 'c2', [['c2', 15]], []]]],
      [45, [['a', 'c2', [['c2', 15]], []]]],
      [60, [['a', 'c2', [['c2', 15]], []]]],
      [75, [['a', 'c2', [['c2', 5]], []]]],
    ]);
  });

  it('survives a snapshot/restore mid-stream (kinds included) with the same device windows', () => {
    const a = run(events, true);
    const b = run(events, true, 2);
    expect(b.windows).toEqual(a.windows);
  });

  it('ends input one window at a time with the same rows and device windows as all at once', () => {
    const whole = run(events, true);
    const steps = run(events, true, -1, true);
    expect(steps.rows).toEqual(whole.rows);
    expect(steps.windows).toEqual(whole.windows);
    expect(whole.windows.length).toBeGreaterThan(3); // several windows still open at the end
  });

  it('releaseMemory gives nothing back while devices are held, and after the end of input leaves an engine that counts later events as a fresh one does', () => {
    const engine = new PresenceEngine(cfg);
    for (const e of events) engine.add({ ts: T0 + e[0] * M, device: e[1], h3: e[2], kind: e[3] });
    engine.releaseMemory(); // devices held: a no-op
    expect(engine.deviceCount).toBe(2);
    const rows = engine.flush();
    expect(rows).toEqual(run(events, false).rows);
    engine.releaseMemory();
    expect(engine.deviceCount).toBe(0);
    const later: Ev[] = events.map(([m, d, h, k]) => [m + 600, d, h, k]);
    const fresh = new PresenceEngine(cfg);
    fresh.advance(engine.closedUntil);
    const feed = (en: PresenceEngine) => {
      const out: PresenceRow[] = [];
      for (const e of later) {
        expect(en.add({ ts: T0 + e[0] * M, device: e[1], h3: e[2], kind: e[3] })).toBe(true);
        out.push(...en.advance(T0 + e[0] * M));
      }
      return [...out, ...en.flush()];
    };
    const again = feed(engine);
    expect(again.length).toBeGreaterThan(0);
    expect(again).toEqual(feed(fresh));
  });

  it('collecting device windows changes no presence row', () => {
    expect(run(events, true).rows).toEqual(run(events, false).rows);
  });
});

describe('device windows (randomised): present and events rebuilt from device windows equal the rows', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}`, () => {
      let s = seed * 7919;
      const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
      const kinds = ['attach', 'tau', 'handover', 'detach', 'fix'];
      const evs: Ev[] = [];
      let t = 0;
      for (let i = 0; i < 600; i++) {
        t += rnd() * 2;
        evs.push([t, `d${Math.floor(rnd() * 40)}`, `c${Math.floor(rnd() * 6)}`, kinds[Math.floor(rnd() * kinds.length)]!]);
      }
      const { rows, windows } = run(evs, true);
      const steps = run(evs, true, -1, true);
      expect(steps.rows).toEqual(rows);
      expect(steps.windows).toEqual(windows);
      const present = new Map<string, number>();
      const evCount = new Map<string, number>();
      for (const w of windows) {
        const devs = new Set<string>();
        for (const d of w.devices) {
          expect(devs.has(d.device)).toBe(false);
          devs.add(d.device);
          if (d.dominant !== null) {
            const k = `${w.start}/${d.dominant}`;
            present.set(k, (present.get(k) ?? 0) + 1);
            // the dominant cell has the longest dwell
            const best = Math.max(...d.dwell.map(([, ms]) => ms));
            expect(d.dwell.find(([h]) => h === d.dominant)![1]).toBe(best);
          } else {
            expect(d.dwell).toEqual([]);
          }
          const total = d.dwell.reduce((a, [, ms]) => a + ms, 0);
          expect(total).toBeLessThanOrEqual(15 * M);
          for (const e of d.events) {
            expect(e.ts).toBeGreaterThanOrEqual(T0 + w.start * M);
            expect(e.ts).toBeLessThan(T0 + (w.start + 15) * M);
            const k = `${w.start}/${e.h3}`;
            evCount.set(k, (evCount.get(k) ?? 0) + 1);
          }
        }
      }
      const fromRows = (f: (r: PresenceRow) => number) =>
        new Map(rows.filter((r) => f(r) > 0).map((r) => [`${(r.windowStart - T0) / M}/${r.h3}`, f(r)]));
      expect(present).toEqual(fromRows((r) => r.present));
      expect(evCount).toEqual(fromRows((r) => r.events));
      expect(present.size).toBeGreaterThan(50);
    });
  }
});

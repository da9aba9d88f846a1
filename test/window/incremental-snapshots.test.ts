import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../src/core/state-codec.ts';
import type { DeviceWindow } from '../../src/window/device-window.ts';
import { PresenceEngine, type DeviceWindowSink, type PresenceEngineDelta, type PresenceEngineSnapshot } from '../../src/window/presence-engine.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';
import { mulberry32 } from '../support/mulberry32.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const cfg = { windowMs: 15 * M, latenessMs: 5 * M, presenceTimeoutMs: 60 * M, resolution: 9 };

describe('presence engine: incremental snapshots (snapshotDelta / applyDelta)', () => {
  it('hand-computed: a delta holds the devices with new events and those events in arrival order, nothing else', () => {
    const engine = new PresenceEngine(cfg);
    engine.add({ ts: T0 + 1 * M, device: 'a', h3: 'c1', kind: 'attach' });
    engine.add({ ts: T0 + 2 * M, device: 'b', h3: 'c2', kind: 'tau', mcc: '222' });
    engine.add({ ts: T0 + 3 * M, device: 'z', h3: 'c3', kind: 'tau' });
    // Not tracked yet: only a full snapshot describes the state.
    expect(engine.snapshotDelta()).toBeNull();
    const base = engine.snapshot();
    engine.trackChanges();
    engine.add({ ts: T0 + 5 * M, device: 'b', h3: 'c1', kind: 'fix', at: 'f1' });
    engine.add({ ts: T0 + 4 * M, device: 'c', h3: 'c2', kind: 'attach', mcc: '208' });
    engine.add({ ts: T0 + 5 * M, device: 'b', h3: 'c2', kind: 'tau' });
    const d = engine.snapshotDelta()!;
    expect(d.device).toEqual(['b', 'c']);
    expect(Array.from(d.ev)).toEqual([0, 1, 0]);
    expect(Array.from(d.ts)).toEqual([T0 + 5 * M, T0 + 4 * M, T0 + 5 * M]);
    const str = (c: number) => (c < 0 ? null : d.strings[c]);
    expect(Array.from(d.h3, str)).toEqual(['c1', 'c2', 'c2']);
    expect(Array.from(d.evKind, str)).toEqual(['fix', 'attach', 'tau']);
    expect(Array.from(d.at, str)).toEqual(['f1', null, null]);
    expect(Array.from(d.mcc, str)).toEqual(['222', '208']);
    expect(d.minTs).toBe(T0 + 1 * M);
    // Tracking restarted: nothing changed since.
    expect(engine.snapshotDelta()!.device).toEqual([]);
    // Base + delta rebuilds the state: the same snapshot, devices and equal-time events in order.
    const again = new PresenceEngine(cfg);
    again.restore(base);
    again.applyDelta(d);
    expect(again.snapshot()).toEqual(engine.snapshot());
    // A device pass trims every device: no delta until the next full snapshot.
    engine.trackChanges();
    engine.add({ ts: T0 + 16 * M, device: 'a', h3: 'c1', kind: 'tau' });
    engine.advance(T0 + 20 * M);
    expect(engine.snapshotDelta()).toBeNull();
  });

  it('on random streams, a chain of one snapshot and its deltas (through the checkpoint codec) restores to the same state; runs restored from chains give the same rows and device windows, in the same order, as one uninterrupted run', () => {
    for (const seed of [11, 12, 13]) {
      const r = mulberry32(seed);
      const events: { ts: number; device: string; h3: string; kind: string; at?: string; mcc?: string }[] = [];
      for (let i = 0; i < 8_000; i++) {
        const ts = T0 + Math.floor(i * 0.05 * M + (r() < 0.3 ? -r() * 8 * M : 0));
        const kind = ['tau', 'detach', 'fix', 'call', 'handover'][Math.floor(r() * 5)]!;
        events.push({ ts, device: `d${Math.floor(r() * 200)}`, h3: `c${Math.floor(r() * 6)}`, kind, ...(kind === 'fix' ? { at: `f${i}` } : {}), ...(r() < 0.1 ? { mcc: String(200 + Math.floor(r() * 3)) } : {}) });
      }
      const run = (checkpointProb: number, restoreProb: number) => {
        const rr = mulberry32(seed * 31);
        // Checkpoints and restarts draw from their own generator: the advances are the same in every run.
        const rc = mulberry32(seed * 37);
        const log: unknown[] = [];
        const sink: DeviceWindowSink = {
          open: (s) => void log.push(['open', s]),
          device: (d: DeviceWindow) => void log.push([d.device, d.windowStart, d.dominant, d.dwell, d.events.map((e) => [e.ts, e.h3, e.kind, e.at]), d.mcc]),
          close: () => void log.push(['close']),
        };
        const make = () => new PresenceEngine({ ...cfg, deviceSink: sink, devicePassDelayMs: 3 * M });
        let engine = make();
        let chain: Uint8Array[] = [];
        let fulls = 0;
        let deltas = 0;
        let restoredFromDeltas = 0;
        const rows: [number, PresenceRow][] = [];
        let maxTs = -Infinity;
        events.forEach((e, i) => {
          if (rc() < checkpointProb) {
            // A checkpoint: a delta when one describes the state, else a full snapshot that starts a chain.
            const d = engine.snapshotDelta();
            if (d) {
              chain.push(encodeState(d));
              deltas++;
            } else {
              chain = [encodeState(engine.snapshot())];
              engine.trackChanges();
              fulls++;
            }
            if (rc() < restoreProb) {
              // A restart right after the checkpoint: only the stored chain survives.
              const [head, ...rest] = chain.map((b) => decodeState<unknown>(b));
              const before = engine.snapshot();
              engine = make();
              engine.restore(head as PresenceEngineSnapshot);
              for (const x of rest) engine.applyDelta(x as PresenceEngineDelta);
              expect(engine.snapshot()).toEqual(before);
              if (rest.length > 0) restoredFromDeltas++;
              // The restored engine tracks nothing: its next checkpoint starts a new chain.
              expect(engine.snapshotDelta()).toBeNull();
            }
          }
          if (engine.add(e)) maxTs = Math.max(maxTs, e.ts);
          if (rr() < 0.02) for (const row of engine.advance(maxTs - cfg.latenessMs)) rows.push([i, row]);
        });
        for (const row of engine.flush()) rows.push([events.length, row]);
        return { rows, log, fulls, deltas, restoredFromDeltas };
      };
      const straight = run(0, 0);
      const chained = run(0.05, 0.2);
      expect(chained.rows).toEqual(straight.rows);
      expect(chained.log).toEqual(straight.log);
      expect(straight.rows.length).toBeGreaterThan(100);
      expect(straight.log.length).toBeGreaterThan(1000);
      expect(chained.deltas).toBeGreaterThan(chained.fulls);
      expect(chained.restoredFromDeltas).toBeGreaterThan(10);
    }
  });

  it('a delta costs in proportion to the events since the last snapshot, not to the devices held', () => {
    const engine = new PresenceEngine(cfg);
    for (let i = 0; i < 20_000; i++) engine.add({ ts: T0 + (i % 600) * 1000, device: `d${i}`, h3: `c${i % 50}`, kind: 'tau' });
    const full = encodeState(engine.snapshot()).byteLength;
    engine.trackChanges();
    for (let i = 0; i < 100; i++) engine.add({ ts: T0 + 11 * M, device: `d${i * 7}`, h3: 'c1', kind: 'handover' });
    const delta = engine.snapshotDelta()!;
    expect(delta.device).toHaveLength(100);
    expect(encodeState(delta).byteLength * 50).toBeLessThan(full);
  });
});

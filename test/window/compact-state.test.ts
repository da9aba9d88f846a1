import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LocatedEvent } from '../../schemas/events.ts';
import { decodeState, encodeState } from '../../src/core/state-codec.ts';
import { groupDeviceWindows } from '../../src/mobility/batch/group-device-windows.ts';
import {
  advanceTrack, finishTrack, isIdle, newDeviceTrack, pushPoint, type DeviceTrackState, type TrackOutput,
} from '../../src/mobility/engine/device-track.ts';
import { resolveMobilityConfig } from '../../src/mobility/engine/mobility-config.ts';
import { TrackStore } from '../../src/mobility/engine/track-store.ts';
import { createMobilityConsumer } from '../../src/mobility/plugin/create-mobility-consumer.ts';
import { toTrackPoint } from '../../src/mobility/plugin/to-track-point.ts';
import type { Hop } from '../../src/traffic/engine/hop.ts';
import { createTrafficConsumer } from '../../src/traffic/plugin/create-traffic-consumer.ts';
import { feedWindow, type DeviceConsumer } from '../../src/window/device-window.ts';
import { mulberry32 } from '../support/mulberry32.ts';
import { cellAt, dayEvents, M, T0 } from '../mobility/track-helpers.ts';

/**
 * Per-device state kept in flat arrays by slot (the trajectory store, the traffic tracks, the
 * presence engine's devices) must behave exactly as the objects it replaced: same outputs in the
 * same order, across checkpoints, and from checkpoints written by the object versions.
 */

const dayArb = fc.array(
  fc.record({
    places: fc.array(fc.record({ x: fc.integer({ min: 0, max: 10 }), y: fc.integer({ min: 0, max: 10 }), stayMin: fc.integer({ min: 5, max: 300 }) }), { minLength: 1, maxLength: 6 }),
    gapMin: fc.integer({ min: 2, max: 130 }),
    pingPong: fc.boolean(),
    fixes: fc.boolean(),
  }),
  { minLength: 1, maxLength: 5 },
);

const cfg = resolveMobilityConfig({});

/** A track as the store gives it back: the GPS centre's place key is not kept (never read). */
function normal(s: DeviceTrackState): DeviceTrackState {
  const c = structuredClone(s);
  if (c.cand) c.cand.gps.lastKey = undefined;
  return c;
}

/** The trajectory consumer as it was before the compact store: a map of state objects. */
function referenceMobility(evs: LocatedEvent[], windowMs: number, onWindow?: (tracks: Map<string, DeviceTrackState>) => void): TrackOutput[] {
  const tracks = new Map<string, DeviceTrackState>();
  const outs: TrackOutput[] = [];
  for (const w of groupDeviceWindows(evs, windowMs)) {
    const out: TrackOutput = { stays: [], trips: [] };
    for (const d of w.devices) {
      let s = tracks.get(d.device);
      if (!s) tracks.set(d.device, (s = newDeviceTrack(d.device)));
      for (const e of d.events) pushPoint(s, toTrackPoint(e), cfg, out);
    }
    out.stays.sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
    out.trips.sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : 0));
    for (const [id, s] of tracks) {
      advanceTrack(s, w.windowEnd, cfg, out);
      if (isIdle(s, w.windowEnd, cfg)) tracks.delete(id);
    }
    outs.push(out);
    onWindow?.(tracks);
  }
  const out: TrackOutput = { stays: [], trips: [] };
  for (const s of tracks.values()) finishTrack(s, cfg, out);
  outs.push(out);
  return outs;
}

/** Stays and trips of the consumer's records, per window (plus the finish), in emission order. */
function runMobility(evs: LocatedEvent[], windowMs: number, restart?: (c: DeviceConsumer, i: number) => DeviceConsumer): TrackOutput[] {
  const factory = createMobilityConsumer({});
  let c: DeviceConsumer = factory();
  const outs: TrackOutput[] = [];
  const collect = (recs: readonly unknown[]): void => {
    const out: TrackOutput = { stays: [], trips: [] };
    for (const r of recs as { table: string; row: never }[]) {
      if (r.table === 'stays') out.stays.push(r.row);
      else if (r.table === 'trips') out.trips.push(r.row);
    }
    outs.push(out);
  };
  groupDeviceWindows(evs, windowMs).forEach((w, i) => {
    collect(feedWindow(c, w.windowStart, w.windowEnd, w.devices));
    if (restart) c = restart(c, i);
  });
  collect(c.finish?.() ?? []);
  return outs;
}

describe('compact per-device state', () => {
  it('trajectory: the slot store gives back every state it was given, and the consumer emits what the object map did, in the same order', () => {
    fc.assert(
      fc.property(dayArb, fc.constantFrom(5, 15, 60), fc.constantFrom(undefined, 0, 3), (day, windowMin, maxStrings) => {
        const evs = dayEvents(day);
        // A string table of 0 or 3 places puts some or every place string and dwell key in the spill maps.
        const store = new TrackStore({ maxStrings });
        const expected = referenceMobility(evs, windowMin * M, (tracks) => {
          for (const s of tracks.values()) {
            store.set(s);
            expect(normal(store.get(s.device)!)).toEqual(normal(s));
            expect(store.isIdle(s.device, s.lastSeen + 60 * M, cfg)).toBe(isIdle(s, s.lastSeen + 60 * M, cfg));
          }
          // Through its own checkpoint columns too.
          const copy = new TrackStore({ maxStrings });
          copy.restore(store.snapshot());
          for (const s of tracks.values()) expect(normal(copy.get(s.device)!)).toEqual(normal(s));
          // Devices deleted give their slots (and spilled strings) back; the others keep theirs.
          const gone = [...tracks.keys()].filter((_, j) => j % 2 === 0);
          for (const d of gone) copy.delete(d);
          for (const s of tracks.values()) {
            if (gone.includes(s.device)) expect(copy.has(s.device)).toBe(false);
            else expect(normal(copy.get(s.device)!)).toEqual(normal(s));
          }
          for (const d of gone) copy.set(tracks.get(d)!);
          for (const s of tracks.values()) expect(normal(copy.get(s.device)!)).toEqual(normal(s));
        });
        expect(store.size).toBeGreaterThan(0);
        expect(runMobility(evs, windowMin * M)).toEqual(expected);
      }),
      { numRuns: 120 },
    );
  });

  it('trajectory: restored from its own checkpoints, and from a checkpoint of the object version, it carries on the same', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 0, max: 20 }), (day, at) => {
        const evs = dayEvents(day);
        const windowMs = 15 * M;
        const expected = referenceMobility(evs, windowMs);
        // Every window through the checkpoint codec.
        expect(runMobility(evs, windowMs, (c) => {
          const next = createMobilityConsumer({})();
          next.restore(decodeState(encodeState(c.snapshot())));
          return next;
        })).toEqual(expected);
        // Once, from the object-version snapshot ({ tracks, od, now }) taken after the same window.
        let legacy: DeviceTrackState[] | null = null;
        let w = 0;
        referenceMobility(evs, windowMs, (tracks) => {
          if (w++ === at) legacy = structuredClone([...tracks.values()]);
        });
        const got = runMobility(evs, windowMs, (c, i) => {
          if (i !== at || legacy === null) return c;
          const mine = c.snapshot() as { od: unknown; now: number };
          const next = createMobilityConsumer({})();
          next.restore({ tracks: legacy, od: mine.od, now: mine.now });
          return next;
        });
        expect(got).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('trajectory: finishing in parts (a few devices at a time) stores the same stays, trips and hourly OD as finishing at once', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: 1, max: 4 }), (day, perStep) => {
        const evs = dayEvents(day);
        const feed = () => {
          const c = createMobilityConsumer({})();
          for (const w of groupDeviceWindows(evs.filter((e) => e.ts < T0 + 12 * 60 * M), 15 * M)) feedWindow(c, w.windowStart, w.windowEnd, w.devices);
          return c;
        };
        const byTable = (recs: readonly unknown[]) => {
          const t: Record<string, unknown[]> = { stays: [], trips: [], od_h3_hourly: [] };
          for (const r of recs as { table: string; row: unknown }[]) t[r.table]!.push(r.row);
          return t;
        };
        const whole = byTable(feed().finish!());
        const c = feed();
        const parts: unknown[] = [];
        let steps = 0;
        for (;;) {
          const p = c.finishSome!(perStep);
          parts.push(...p.out);
          steps++;
          if (p.done) break;
        }
        expect(byTable(parts)).toEqual(whole);
        // Each part ends at most perStep devices' stays: more open stays than that take more parts.
        expect(steps).toBeGreaterThanOrEqual(Math.ceil(whole.stays!.length / perStep));
      }),
      { numRuns: 80 },
    );
  });

  it('traffic: hops are the same with checkpoints restored every window, and from the list-of-objects checkpoints of earlier versions', () => {
    const r = mulberry32(11);
    const cells = Array.from({ length: 12 }, (_, i) => cellAt(i % 4, Math.floor(i / 4)));
    const evs: LocatedEvent[] = [];
    for (let d = 0; d < 60; d++) {
      let t = T0 + Math.floor(r() * 60) * M;
      let c = Math.floor(r() * cells.length);
      for (let i = 0; i < 40; i++) {
        t += Math.floor(r() * 9 * M) + 1000;
        if (r() < 0.06) t += 3 * 60 * M; // a silence longer than the idle time
        const kind = r() < 0.75 ? 'handover' : r() < 0.5 ? 'tau' : r() < 0.5 ? 'fix' : 'detach';
        if (kind === 'handover') c = (c + 1 + Math.floor(r() * 3)) % cells.length;
        evs.push({ ts: t, device: `d${d}`, h3: cells[c]!, kind });
      }
    }
    const run = (restart?: (c: DeviceConsumer<Hop>) => DeviceConsumer<Hop>): Hop[] => {
      let c: DeviceConsumer<Hop> = createTrafficConsumer()();
      const hops: Hop[] = [];
      for (const w of groupDeviceWindows(evs, 15 * M)) {
        hops.push(...feedWindow(c, w.windowStart, w.windowEnd, w.devices));
        if (restart) c = restart(c);
      }
      return hops;
    };
    const base = run();
    expect(base.length).toBeGreaterThan(100);
    expect(run((c) => {
      const next = createTrafficConsumer()();
      next.restore(decodeState(encodeState(c.snapshot())));
      return next;
    })).toEqual(base);
    // The earlier format: a list of { device, prev, cur, enterTs, lastTs } (enterTs null for NaN, as JSON wrote it).
    expect(run((c) => {
      const cols = c.snapshot() as { device: string[]; prev: string[]; cur: string[]; enterTs: Float64Array; lastTs: Float64Array };
      const list = cols.device.map((device, j) => ({ device, prev: cols.prev[j], cur: cols.cur[j], enterTs: Number.isNaN(cols.enterTs[j]) ? null : cols.enterTs[j], lastTs: cols.lastTs[j] }));
      const next = createTrafficConsumer()();
      next.restore(JSON.parse(JSON.stringify(list)));
      return next;
    })).toEqual(base);
  });
});

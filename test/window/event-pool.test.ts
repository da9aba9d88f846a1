import { describe, expect, it } from 'vitest';
import { EventPool } from '../../src/window/event-pool.ts';
import { PresenceEngine, type PresenceEngineSnapshot } from '../../src/window/presence-engine.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';
import { mulberry32 } from '../support/mulberry32.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const cfg = { windowMs: 15 * M, latenessMs: 5 * M, presenceTimeoutMs: 60 * M, resolution: 9 };

describe('EventPool', () => {
  it('recycles freed slots, grows past its capacity and keeps what each slot holds', () => {
    const pool = new EventPool(2);
    const a = pool.alloc(1, 'c1', 'tau', undefined);
    const b = pool.alloc(2, 'c2', 'fix', 'f2');
    const c = pool.alloc(3, 'c3', 'detach', undefined); // grows 2 → 4
    expect([a, b, c]).toEqual([0, 1, 2]);
    expect(pool.size).toBe(3);
    expect([pool.ts(a), pool.ts(b), pool.ts(c)]).toEqual([1, 2, 3]);
    pool.setNext(a, c);
    expect([pool.next(a), pool.next(b)]).toEqual([c, -1]);
    pool.free(b);
    expect(pool.at(b)).toBeUndefined(); // a fix's own string is not kept alive by a free slot
    const d = pool.alloc(4, 'c4', 'sms', 'x');
    expect(d).toBe(b);
    expect([pool.ts(d), pool.h3(d), pool.kind(d), pool.at(d), pool.next(d)]).toEqual([4, 'c4', 'sms', 'x', -1]);
    expect([pool.ts(a), pool.h3(a), pool.next(a), pool.ts(c), pool.kind(c)]).toEqual([1, 'c1', c, 3, 'detach']);
    expect(pool.size).toBe(3);
  });

  it('with string tables too small for its cells, kinds and positions, keeps every value through allocs, frees and growth', () => {
    for (const max of [{ names: 0, ats: 0 }, { names: 3, ats: 2 }, {}]) {
      const r = mulberry32(11);
      const pool = new EventPool(4, max);
      const ref = new Map<number, [number, string, string, string | undefined]>();
      for (let i = 0; i < 5000; i++) {
        const live = [...ref.keys()];
        if (live.length > 0 && r() < 0.45) {
          const slot = live[Math.floor(r() * live.length)]!;
          pool.free(slot);
          expect(pool.at(slot)).toBeUndefined();
          ref.delete(slot);
        } else {
          const v: [number, string, string, string | undefined] = [i, `c${Math.floor(r() * 8)}`, ['tau', 'fix', 'detach'][Math.floor(r() * 3)]!, r() < 0.5 ? `f${Math.floor(r() * 50)}` : undefined];
          const slot = pool.alloc(...v);
          expect(ref.has(slot)).toBe(false);
          ref.set(slot, v);
        }
        if (i % 97 === 0) for (const [slot, v] of ref) expect([pool.ts(slot), pool.h3(slot), pool.kind(slot), pool.at(slot)]).toEqual(v);
      }
      expect(pool.size).toBe(ref.size);
    }
  });

  it('an engine run through snapshots (v8 structured clone, as checkpoints) every 97 events equals one run straight through, and holds only the open windows events', () => {
    const r = mulberry32(5);
    const events: { ts: number; device: string; h3: string; kind: string; at?: string }[] = [];
    for (let i = 0; i < 20_000; i++) {
      const ts = T0 + Math.floor(i * 0.2 * M + (r() < 0.3 ? -r() * 8 * M : 0));
      const kind = ['tau', 'detach', 'fix', 'call'][Math.floor(r() * 4)]!;
      events.push({ ts, device: `d${Math.floor(r() * 200)}`, h3: `c${Math.floor(r() * 6)}`, kind, ...(kind === 'fix' ? { at: `f${i}` } : {}) });
    }
    const run = (restoreEvery: number, through: (s: PresenceEngineSnapshot) => PresenceEngineSnapshot = structuredClone) => {
      let engine = new PresenceEngine(cfg);
      const rows: PresenceRow[] = [];
      let maxTs = -Infinity;
      events.forEach((e, i) => {
        if (restoreEvery > 0 && i % restoreEvery === 0) {
          const snap = through(engine.snapshot());
          engine = new PresenceEngine(cfg);
          engine.restore(snap);
        }
        if (engine.add(e)) maxTs = Math.max(maxTs, e.ts);
        rows.push(...engine.advance(maxTs - cfg.latenessMs));
      });
      const before = engine.snapshot();
      rows.push(...engine.flush());
      return { rows, before };
    };
    const straight = run(0);
    const restored = run(97);
    expect(restored.rows).toEqual(straight.rows);
    expect(restored.before).toEqual(straight.before);
    expect(straight.rows.length).toBeGreaterThan(500);
    // The open events at the end are only the last ~20 minutes' worth (events every 12 s): slots recycle.
    const open = straight.before.held!.ts.length;
    expect(straight.before.held!.pending.reduce((a, b) => a + b, 0)).toBe(open);
    expect(open).toBeGreaterThan(0);
    expect(open).toBeLessThan(200);
    // Snapshots of earlier versions (a row per device, as JSON) restore to the same engine.
    const legacy = run(97, (s) => JSON.parse(JSON.stringify(toRows(s))) as PresenceEngineSnapshot);
    expect(legacy.rows).toEqual(straight.rows);
    expect(legacy.before).toEqual(straight.before);
  });
});

/** The row form of earlier versions, from a columnar snapshot. */
function toRows(s: PresenceEngineSnapshot): PresenceEngineSnapshot {
  const h = s.held!;
  const str = (c: number) => (c < 0 ? undefined : h.strings[c]);
  const devices: NonNullable<PresenceEngineSnapshot['devices']> = [];
  for (let i = 0, j = 0; i < h.device.length; i++) {
    const pending: [number, string, boolean, string?, string?][] = [];
    for (const end = j + h.pending[i]!; j < end; j++) {
      const kind = str(h.kind[j]!)!;
      const at = str(h.at[j]!);
      pending.push(at === undefined ? [h.ts[j]!, str(h.h3[j]!)!, kind !== 'detach', kind] : [h.ts[j]!, str(h.h3[j]!)!, kind !== 'detach', kind, at]);
    }
    const mcc = str(h.mcc[i]!);
    const prevTs = Number.isNaN(h.prevTs[i]!) ? null : h.prevTs[i]!;
    devices.push(mcc === undefined ? [h.device[i]!, prevTs, str(h.prevH3[i]!) ?? null, pending] : [h.device[i]!, prevTs, str(h.prevH3[i]!) ?? null, pending, mcc]);
  }
  const { held: _held, ...rest } = s;
  return { ...rest, devices };
}

import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../support/mulberry32.ts';
import { PresenceEngine } from '../../src/window/presence-engine.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';
import { referencePresence, splitLate, type RefEvent } from '../support/reference-presence.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const cfg = { windowMs: 15 * M, latenessMs: 5 * M, presenceTimeoutMs: 60 * M, resolution: 9 };

type Ev = [minute: number, device: string, h3: string, kind?: string];

/** Feeds events in the given (arrival) order, advancing the watermark after each, then flushes. */
function run(events: Ev[]) {
  const engine = new PresenceEngine(cfg);
  const rows: PresenceRow[] = [];
  const late: Ev[] = [];
  let maxTs = -Infinity;
  for (const e of events) {
    const ts = T0 + e[0] * M;
    if (!engine.add({ ts, device: e[1], h3: e[2], kind: e[3] ?? 'tau' })) late.push(e);
    else maxTs = Math.max(maxTs, ts);
    rows.push(...engine.advance(maxTs - cfg.latenessMs));
  }
  rows.push(...engine.flush());
  return { rows, late, engine };
}

/** Compact view: [window minute offset, h3, present, active, events]. */
function view(rows: PresenceRow[]) {
  return rows.map((r) => [(r.windowStart - T0) / M, r.h3, r.present, r.active, r.events]);
}

describe('presence semantics (hand-computed)', () => {
  it('one event holds its device for the timeout: present in every window the hold overlaps', () => {
    const { rows } = run([[5, 'd1', 'A']]);
    // hold [5, 65): windows 0,15,30,45 fully/partly, 60 for 5 minutes
    expect(view(rows)).toEqual([
      [0, 'A', 1, 1, 1],
      [15, 'A', 1, 0, 0],
      [30, 'A', 1, 0, 0],
      [45, 'A', 1, 0, 0],
      [60, 'A', 1, 0, 0],
    ]);
  });

  it('a device counts once, in the cell of its longest dwell', () => {
    // A holds [0,10), B holds [10, 70)
    const { rows } = run([
      [0, 'd1', 'A'],
      [10, 'd1', 'B'],
    ]);
    expect(view(rows).filter((r) => r[0] === 0)).toEqual([
      [0, 'A', 1, 1, 1],
      [0, 'B', 0, 1, 1],
    ]);
    expect(view(rows).filter((r) => r[0] === 15)).toEqual([[15, 'B', 1, 0, 0]]);
    expect(view(rows).at(-1)).toEqual([60, 'B', 1, 0, 0]);
  });

  it('a tie goes to the cell whose hold ends latest in the window', () => {
    // A [0,7.5) and B [7.5,15): 7.5 minutes each; B ends later
    const { rows } = run([
      [0, 'd1', 'A'],
      [7.5, 'd1', 'B'],
      [15, 'd1', 'C'],
    ]);
    expect(view(rows).filter((r) => r[0] === 0)).toEqual([
      [0, 'A', 0, 1, 1],
      [0, 'B', 1, 1, 1],
    ]);
  });

  it('dwell adds up over several holds in the same cell', () => {
    // A [0,4) + A [9,15) = 10 min; B [4,9) = 5 min
    const { rows } = run([
      [0, 'd1', 'A'],
      [4, 'd1', 'B'],
      [9, 'd1', 'A'],
      [15, 'd1', 'C'],
    ]);
    expect(view(rows).filter((r) => r[0] === 0)).toEqual([
      [0, 'A', 1, 1, 2],
      [0, 'B', 0, 1, 1],
    ]);
  });

  it('a detach holds nothing: the device leaves the map until its next event', () => {
    const { rows } = run([
      [0, 'd1', 'A', 'attach'],
      [5, 'd1', 'A', 'detach'],
      [50, 'd1', 'B', 'attach'],
    ]);
    const v = view(rows);
    expect(v.filter((r) => r[0] === 0)).toEqual([[0, 'A', 1, 1, 2]]);
    expect(v.filter((r) => r[0] === 15 || r[0] === 30)).toEqual([]);
    expect(v.filter((r) => r[0] === 45)).toEqual([[45, 'B', 1, 1, 1]]);
  });

  it('a detached device is not present even in the window of its detach when it held nothing there', () => {
    const { rows } = run([
      [0, 'd1', 'A'],
      [15, 'd1', 'A', 'detach'],
    ]);
    const v = view(rows);
    expect(v).toEqual([
      [0, 'A', 1, 1, 1],
      [15, 'A', 0, 1, 1],
    ]);
  });

  it('the timeout ends a hold even without a next event', () => {
    // A [0,60) by timeout; B from 70
    const { rows } = run([
      [0, 'd1', 'A'],
      [70, 'd1', 'B'],
    ]);
    const v = view(rows);
    expect(v.filter((r) => r[0] === 45)).toEqual([[45, 'A', 1, 0, 0]]);
    expect(v.filter((r) => r[0] === 60)).toEqual([[60, 'B', 1, 1, 1]]);
  });

  it('out-of-order events within the lateness give the same rows as in order', () => {
    const inOrder = run([
      [0, 'd1', 'A'],
      [3, 'd2', 'A'],
      [10, 'd1', 'B'],
      [12, 'd2', 'C'],
    ]);
    const shuffled = run([
      [10, 'd1', 'B'],
      [12, 'd2', 'C'],
      [0, 'd1', 'A'],
      [3, 'd2', 'A'],
    ]);
    expect(shuffled.late).toEqual([]);
    expect(shuffled.rows).toEqual(inOrder.rows);
  });

  it('an event for a closed window is refused as late and changes nothing', () => {
    // event at 30 → watermark 25 → window [0,15) closed; an event at minute 10 is late
    const { rows, late } = run([
      [0, 'd1', 'A'],
      [30, 'd2', 'B'],
      [10, 'd1', 'C'],
      [20, 'd3', 'C'],
    ]);
    expect(late).toEqual([[10, 'd1', 'C']]);
    const v = view(rows);
    expect(v.filter((r) => r[0] === 0)).toEqual([[0, 'A', 1, 1, 1]]);
    // d3 at 20 is not late: window [15,30) was still open
    expect(v.filter((r) => r[0] === 15)).toEqual([
      [15, 'A', 1, 0, 0],
      [15, 'C', 1, 1, 1],
    ]);
  });

  it('sum of present over cells equals the devices present in the city', () => {
    const { rows } = run([
      [0, 'd1', 'A'],
      [1, 'd2', 'B'],
      [2, 'd3', 'A'],
      [8, 'd1', 'B'],
      [9, 'd4', 'C', 'detach'],
    ]);
    const w0 = rows.filter((r) => r.windowStart === T0);
    expect(w0.reduce((a, r) => a + r.present, 0)).toBe(3);
  });

  it('snapshot and restore continue exactly where the engine was', () => {
    const events: Ev[] = [
      [0, 'd1', 'A'],
      [14, 'd2', 'B'],
      [22, 'd1', 'C'],
      [40, 'd2', 'A'],
      [41, 'd3', 'B', 'detach'],
      [90, 'd1', 'A'],
    ];
    const whole = run(events).rows;
    const engine = new PresenceEngine(cfg);
    const rows: PresenceRow[] = [];
    let maxTs = -Infinity;
    events.forEach((e, i) => {
      const ts = T0 + e[0] * M;
      engine.add({ ts, device: e[1], h3: e[2], kind: e[3] ?? 'tau' });
      maxTs = Math.max(maxTs, ts);
      rows.push(...engine.advance(maxTs - cfg.latenessMs));
      if (i === 2) {
        const snap = JSON.parse(JSON.stringify(engine.snapshot()));
        engine.restore(snap);
      }
    });
    rows.push(...engine.flush());
    expect(rows).toEqual(whole);
  });
});

describe('presence equals the brute-force reference on random streams', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}`, () => {
      const r = mulberry32(seed);
      const cells = ['A', 'B', 'C', 'D', 'E'];
      const kinds = ['tau', 'call', 'handover', 'detach', 'sms', 'data', 'attach'];
      const events: RefEvent[] = [];
      for (let i = 0; i < 600; i++) {
        // mostly increasing time, with jitter up to 12 minutes (some beyond the 5 min lateness)
        const ts = T0 + Math.floor(i * 0.6 * M + (r() < 0.2 ? -r() * 12 * M : 0) + r() * 7 * M / 4) ;
        events.push({ ts, device: `d${Math.floor(r() * 30)}`, h3: cells[Math.floor(r() * cells.length)]!, kind: kinds[Math.floor(r() * kinds.length)]! });
      }
      const engine = new PresenceEngine(cfg);
      const rows: PresenceRow[] = [];
      let maxTs = -Infinity;
      let late = 0;
      for (const e of events) {
        if (!engine.add(e)) late++;
        else maxTs = Math.max(maxTs, e.ts);
        rows.push(...engine.advance(maxTs - cfg.latenessMs));
      }
      rows.push(...engine.flush());
      const { accepted, late: refLate } = splitLate(events, cfg.windowMs, cfg.latenessMs);
      expect(late).toBe(refLate.length);
      const ref = referencePresence(accepted, cfg.windowMs, cfg.presenceTimeoutMs);
      expect(rows.map((x) => ({ windowStart: x.windowStart, h3: x.h3, present: x.present, active: x.active, events: x.events }))).toEqual(ref);
      expect(late).toBeGreaterThan(0);
    });
  }
});

// Watermarks.current() answers from a cache between changes; this checks it against a fresh
// instance rebuilt from the same inputs after every operation, over random sequences of observe,
// track, remove, restore and current at moving processing times (idle timeouts included).
import { describe, expect, it } from 'vitest';
import { Watermarks } from '../../src/window/watermarks.ts';
import { mulberry32 as rng } from '../support/mulberry32.ts';


/** A watermark computed from scratch by a new instance fed the same state. */
function reference(max: Map<string, number>, lastSeen: Map<string, number>, now: number, idleTimeoutMs: number): number {
  const w = new Watermarks({ latenessMs: 300_000, idleTimeoutMs });
  for (const [input, seen] of lastSeen) {
    const m = max.get(input);
    if (m === undefined) w.track(input, seen);
    else w.observe(input, m, seen);
  }
  return w.current(now);
}

describe('Watermarks cache', () => {
  for (const [seed, idle] of [[1, Infinity], [2, 5_000], [3, 500]] as const) {
    it(`equals a fresh computation after every operation (seed ${seed}, idle timeout ${idle})`, () => {
      const r = rng(seed);
      const w = new Watermarks({ latenessMs: 300_000, idleTimeoutMs: idle });
      const max = new Map<string, number>();
      const seen = new Map<string, number>();
      const inputs = ['p0', 'p1', 'p2'];
      let now = 0;
      let ts = 1_000_000;
      const values = new Set<number>();
      for (let i = 0; i < 5_000; i++) {
        const x = r();
        const input = inputs[Math.floor(r() * inputs.length)]!;
        if (r() < 0.3) now += Math.floor(r() * 1_000);
        if (x < 0.6) {
          ts += Math.floor(r() * 10_000) - 3_000;
          w.observe(input, ts, now);
          if (!(max.get(input)! >= ts)) max.set(input, ts);
          seen.set(input, now);
        } else if (x < 0.7) {
          w.track(input, now);
          if (!seen.has(input)) seen.set(input, now);
        } else if (x < 0.75) {
          w.remove(input);
          max.delete(input);
          seen.delete(input);
        } else if (x < 0.77) {
          const snap = w.snapshot();
          w.restore(snap, now);
          seen.clear();
          for (const [k] of snap) seen.set(k, now);
          for (const k of [...max.keys()]) if (!seen.has(k)) max.delete(k);
        }
        const got = w.current(now);
        expect(got, `step ${i}`).toBe(reference(max, seen, now, idle));
        expect(w.current(now)).toBe(got); // asked again: the cached answer
        values.add(got);
      }
      expect(values.size).toBeGreaterThan(100);
    });
  }
});

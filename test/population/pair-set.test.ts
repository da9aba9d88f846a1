import { describe, expect, it } from 'vitest';
import { decodeState, encodeState } from '../../src/core/state-codec.ts';
import { hashString, PairSet } from '../../src/population/engine/pair-set.ts';

describe('PairSet (64-bit keys in flat typed arrays)', () => {
  it('adds, finds, reports duplicates, and keeps its memory across clear()', () => {
    const s = new PairSet();
    expect(s.add(1, 2)).toBe(true);
    expect(s.add(1, 2)).toBe(false);
    expect(s.add(2, 1)).toBe(true);
    expect(s.add(0, 0)).toBe(true); // the all-zero key is stored as (0, 1)
    expect(s.has(1, 2) && s.has(2, 1)).toBe(true);
    expect(s.has(3, 3)).toBe(false);
    expect(s.size).toBe(3);
    const cap = s.capacity;
    s.clear();
    expect([s.size, s.has(1, 2), s.capacity]).toEqual([0, false, cap]);
  });

  it('random keys against a Set, through growth and a v8-serialised snapshot', () => {
    let seed = 11;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    let s = new PairSet();
    const ref = new Set<string>();
    for (let i = 0; i < 50_000; i++) {
      // Few distinct values so that duplicates are common.
      const hi = Math.floor(rnd() * 300) * 0x01000193 >>> 0, lo = 1 + Math.floor(rnd() * 300); // (0, 0) is stored as (0, 1)
      expect(s.add(hi, lo)).toBe(!ref.has(`${hi}:${lo}`));
      ref.add(`${hi}:${lo}`);
      if (i === 20_000) s = PairSet.restore(decodeState(encodeState(s.snapshot())));
    }
    expect(s.size).toBe(ref.size);
    expect(s.capacity).toBeGreaterThanOrEqual(2 * ref.size);
    for (const k of ref) {
      const [hi, lo] = k.split(':').map(Number) as [number, number];
      expect(s.has(hi, lo)).toBe(true);
    }
  });

  it('rejects a snapshot whose lanes do not match', () => {
    expect(() => PairSet.restore({ hi: new Uint32Array(4096), lo: new Uint32Array(2048), size: 0 })).toThrow(/pair-set snapshot: 4096 and 2048 slots/);
  });

  it('hashString: two independent 32-bit lanes, no collisions over 200k pseudonyms', () => {
    const seen = new Set<string>();
    const lanes0 = new Set<number>();
    for (let i = 0; i < 200_000; i++) {
      const [x, y] = hashString(`${(i * 2654435761) >>> 0}`.padStart(32, 'a'));
      seen.add(`${x}:${y}`);
      lanes0.add(x);
    }
    expect(seen.size).toBe(200_000);
    // One 32-bit lane alone: ~5 collisions expected at 200k (birthday), far from 0 or thousands.
    expect(200_000 - lanes0.size).toBeLessThan(50);
  });
});

import { describe, expect, it } from 'vitest';
import { grown } from '../../src/core/grown.ts';

describe('grown', () => {
  it('copies a slot array into a longer one of the same type, zero past the old end', () => {
    const ints = Int32Array.from([3, -1, 7]);
    const g = grown(ints, 6);
    expect(g).toBeInstanceOf(Int32Array);
    expect([...g]).toEqual([3, -1, 7, 0, 0, 0]);
    expect(g.buffer).not.toBe(ints.buffer);
    const floats = grown(Float64Array.from([1.5, 2.25]), 4);
    expect(floats).toBeInstanceOf(Float64Array);
    expect([...floats]).toEqual([1.5, 2.25, 0, 0]);
  });

  it('refuses to shrink (a store that did would lose slots)', () => {
    expect(() => grown(new Uint8Array(4), 3)).toThrow(/never shrinks: 4 → 3/);
  });
});

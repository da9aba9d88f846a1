import { describe, expect, it } from 'vitest';
import { cpc, pearson } from '../../scripts/accuracy/metrics.ts';

const m = (o: Record<string, number>) => new Map(Object.entries(o));

describe('accuracy metrics', () => {
  it('CPC, hand-computed', () => {
    expect(cpc(m({ a: 10, b: 5 }), m({ a: 10, b: 5 }))).toBe(1);
    expect(cpc(m({ a: 10 }), m({ b: 10 }))).toBe(0);
    // common = min(8,10) + min(4,2) + 0 = 10; totals 12 + 15 → 20/27
    expect(cpc(m({ a: 8, b: 4 }), m({ a: 10, b: 2, c: 3 }))).toBeCloseTo(20 / 27, 12);
  });

  it('Pearson r, hand-computed', () => {
    expect(pearson(m({ a: 1, b: 2, c: 3 }), m({ a: 2, b: 4, c: 6 }))).toBeCloseTo(1, 12);
    expect(pearson(m({ a: 1, b: 2, c: 3 }), m({ a: 3, b: 2, c: 1 }))).toBeCloseTo(-1, 12);
    // x = (1, 0), y = (0, 1) over the union {a, b}: r = −1
    expect(pearson(m({ a: 1 }), m({ b: 1 }))).toBeCloseTo(-1, 12);
  });
});

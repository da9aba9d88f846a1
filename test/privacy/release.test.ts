import fc from 'fast-check';
import { cellToParent, gridDisk, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { buildDpRelease, buildRelease, h3Hierarchy, releasedBreakdowns, releasedTotals, type ReleaseHierarchy } from '../../src/privacy/release/index.ts';
import { differencingAttack, naiveRelease } from './support/differencing.ts';

/** A toy hierarchy of digit strings: level = length, parent = prefix. */
const prefixes = (base: number, top: number): ReleaseHierarchy<string> => ({ baseLevel: base, topLevel: top, parent: (key, level) => key.slice(0, level) });

describe('buildRelease, hand-computed', () => {
  it('releases base keys ≥ k, pools the rest per parent, merges the smallest sibling when the top remainder is short', () => {
    const counts = new Map([
      ['11', 7],
      ['12', 2],
      ['13', 2],
      ['21', 3],
      ['31', 6],
      ['32', 9],
      ['33', 1],
      ['41', 4],
      ['42', 4],
    ]);
    const r = buildRelease(counts, prefixes(2, 1), { k: 5 });
    const summary = r.elements.map((e) => [e.anchor, e.anchorLevel, e.keys.join('+'), e.count]);
    expect(summary).toEqual([
      ['32', 2, '32', 9], // 31 (6) was merged into the remainder of 3 (1 < 5): the smaller sibling
      ['1', 1, '11+12+13', 11], // remainder 4 took 11 (7)
      ['3', 1, '31+33', 7],
      ['4', 1, '41+42', 8], // remainder 8 ≥ 5 on its own
    ]);
    expect(r.withheld).toBe(3); // 21 alone: nothing to merge with
    expect(r.total).toBe(38);
    expect(r.secondaryMerges).toBe(2);
    // level 1: sums of contained elements; level 2: only elements of a single key
    expect(releasedTotals(r, (key) => key.slice(0, 1))).toEqual(new Map([['3', 16], ['1', 11], ['4', 8]]));
    expect(releasedTotals(r, (key) => key)).toEqual(new Map([['32', 9]]));
  });

  it('passes a short remainder up a level before merging (pass-up), or merges at once (merge)', () => {
    // base 3, top 1: 111 = 30, 112 = 2 | 121 = 3 → remainders of 11 (2) and 12 (3) pass to 1 (5 ≥ 5)
    const counts = new Map([['111', 30], ['112', 2], ['121', 3]]);
    const up = buildRelease(counts, prefixes(3, 1), { k: 5 });
    expect(up.elements.map((e) => [e.anchor, e.count])).toEqual([['111', 30], ['1', 5]]);
    const merged = buildRelease(counts, prefixes(3, 1), { k: 5, strategy: 'merge' });
    // 11's remainder 2 takes 111 (30) at level 2; 12's remainder 3 has no sibling, passes up and at the
    // top takes the smallest element inside 1: the remainder of 11
    expect(merged.elements.map((e) => [e.anchor, e.count])).toEqual([['1', 35]]);
    expect(merged.withheld).toBe(0);
    expect(merged.secondaryMerges).toBe(2);
  });

  it('a raised k only removes elements; breakdowns drop an element whose label is below k', () => {
    const counts = new Map([['11', 7], ['12', 12], ['13', 6]]);
    const r = buildRelease(counts, prefixes(2, 1), { k: 5 });
    expect(releasedTotals(r, (key) => key, { k: 10 })).toEqual(new Map([['12', 12]]));
    expect(() => releasedTotals(r, (key) => key, { k: 4 })).toThrow(/≥ the release's k 5/);
    const labels = new Map([['11', { a: 7, b: 0 }], ['12', { a: 8, b: 4 }], ['13', { a: 6, b: 0 }]]);
    const b = releasedBreakdowns(r, ['a', 'b'], (key) => labels.get(key)!, (key) => key.slice(0, 1));
    // 12's b = 4 < 5: its breakdown is dropped whole; the unit's breakdown covers 13 of 25, remainder 12 ≥ k
    expect(b.get('1')).toEqual({ labels: { a: 13, b: 0 }, covered: 13 });
  });

  it('rejects bad input with the value at fault', () => {
    expect(() => buildRelease([['1', -1]], prefixes(1, 1), { k: 5 })).toThrow(/non-negative integers, got -1/);
    expect(() => buildRelease([['1', 1]], prefixes(1, 1), { k: 1 })).toThrow(/≥ 2, got 1/);
  });
});

describe('differencing attacks on random H3 counts', () => {
  const origin = latLngToCell(45.4642, 9.19, 9);
  const disk = gridDisk(origin, 40); // ≈ 4,900 res-9 cells across several res-7/6/5 parents
  const hierarchy = h3Hierarchy(9, 5);
  const parentHex = (cell: bigint, res: number) => BigInt(`0x${cellToParent(cell.toString(16), res)}`);
  const arbCounts = fc.array(fc.tuple(fc.nat(disk.length - 1), fc.oneof(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 60 }))), { minLength: 1, maxLength: 700 });

  const toMap = (pairs: [number, number][]) => {
    const m = new Map<bigint, number>();
    for (const [i, c] of pairs) m.set(BigInt(`0x${disk[i]!}`), c);
    return m;
  };

  it('parent − children at res 9/8/7/6 and zone − cells never give 1..k−1; raised k and labels neither', () => {
    fc.assert(
      fc.property(arbCounts, fc.integer({ min: 2, max: 25 }), fc.integer({ min: 2, max: 7 }), fc.constantFrom('pass-up' as const, 'merge' as const), (pairs, k, zones, strategy) => {
        const counts = toMap(pairs);
        const r = buildRelease(counts, hierarchy, { k, strategy });
        for (const e of r.elements) {
          expect(e.count).toBeGreaterThanOrEqual(k);
          // the anchor is the finest common unit: SQL's `anchor_res >= r` = "all cells in one res-r hexagon"
          for (let res = 5; res <= 9; res++) expect(e.anchorLevel >= res).toBe(new Set(e.keys.map((c) => parentHex(c, res))).size === 1);
        }
        expect(r.elements.reduce((s, e) => s + e.count, 0) + r.withheld).toBe(r.total);
        for (const kk of [k, k + 7]) {
          const at = (res: number) => releasedTotals(r, (c) => parentHex(c, res), { k: kk });
          for (let res = 8; res >= 5; res--) {
            expect(differencingAttack(at(res), at(res + 1), (c) => parentHex(c, res), kk)).toEqual([]);
            expect(differencingAttack(at(res), at(9), (c) => parentHex(c, res), kk)).toEqual([]);
          }
          // zones: a deterministic scatter of cells over `zones` zones, not aligned with the hexagons
          const zoneOf = (c: bigint) => Number(c % BigInt(zones));
          const zoneTotals = releasedTotals(r, zoneOf, { k: kk });
          expect(differencingAttack(zoneTotals, at(9), zoneOf, kk)).toEqual([]);
          // raised k against base k: what k' removed is whole elements
          if (kk > k) expect(differencingAttack(at(8), releasedTotals(r, (c) => parentHex(c, 8), { k: kk }), (c) => c, k)).toEqual([]);
        }
        // labelled − unlabelled: a label split that is not aligned with anything
        const labelsOf = (c: bigint) => {
          const n = counts.get(c)!;
          const a = Number(c % 3n) === 0 ? n : Math.floor(n / 2);
          return { a, b: n - a };
        };
        const res8 = releasedTotals(r, (c) => parentHex(c, 8));
        const b8 = releasedBreakdowns(r, ['a', 'b'], labelsOf, (c) => parentHex(c, 8));
        const b9 = releasedBreakdowns(r, ['a', 'b'], labelsOf, (c) => c);
        for (const [cell, b] of b8) {
          const rest = res8.get(cell)! - b.covered;
          expect(rest === 0 || rest >= k).toBe(true);
          for (const l of ['a', 'b'] as const) {
            const kids = [...b9].filter(([c]) => parentHex(c, 8) === cell).reduce((s, [, x]) => s + x.labels[l], 0);
            const diff = b.labels[l] - kids;
            expect(diff === 0 || diff >= k).toBe(true);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the same attack finds remainders in per-table k-anonymity (the old release), so it is not vacuous', () => {
    const counts = toMap(Array.from({ length: 600 }, (_, i) => [(i * 7919) % disk.length, 1 + ((i * 31) % 27)] as [number, number]));
    const naive = (res: number) => naiveRelease(counts, (c) => parentHex(c, res), 20);
    const found = differencingAttack(naive(8), naive(9), (c) => parentHex(c, 8), 20);
    expect(found.length).toBeGreaterThan(10);
    const safe = buildRelease(counts, hierarchy, { k: 20 });
    const at = (res: number) => releasedTotals(safe, (c) => parentHex(c, res));
    expect(differencingAttack(at(8), at(9), (c) => parentHex(c, 8), 20)).toEqual([]);
  });
});

describe('DP mode', () => {
  it('adds two-sided geometric noise with the declared ε to every domain key: mean ≈ 0, mean |z| ≈ 2α/(1−α²)', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const keys = Array.from({ length: 4000 }, (_, i) => String(i).padStart(4, '0'));
    const counts = new Map(keys.map((key) => [key, 1000]));
    const noisy = buildDpRelease(counts, [...keys, '9999x'], prefixes(4, 1), { k: 20, epsilon: 0.5, random });
    const z = noisy.elements.map((e) => e.count - 1000);
    expect(z.length).toBe(4000); // the empty domain key 9999x stays below k
    const mean = z.reduce((s, x) => s + x, 0) / z.length;
    const absMean = z.reduce((s, x) => s + Math.abs(x), 0) / z.length;
    const alpha = Math.exp(-0.5);
    expect(Math.abs(mean)).toBeLessThan(0.15);
    expect(absMean).toBeGreaterThan(0.9 * ((2 * alpha) / (1 - alpha * alpha)));
    expect(absMean).toBeLessThan(1.1 * ((2 * alpha) / (1 - alpha * alpha)));
    expect(() => buildDpRelease(counts, keys, prefixes(4, 1), { k: 20, epsilon: 0 })).toThrow(/epsilon must be a positive number/);
  });
});

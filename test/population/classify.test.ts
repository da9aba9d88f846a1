import { describe, expect, it } from 'vitest';
import { classifyPopulation } from '../../src/population/engine/classify-population.ts';
import { expansionFactors } from '../../src/population/engine/expansion-factors.ts';
import type { HomeWork } from '../../src/population/engine/home-work.ts';
import { ksafeBreakdown } from '../../src/population/engine/ksafe-breakdown.ts';
import type { PlaceStay } from '../../src/population/engine/place-stay.ts';
import { resolvePopulationConfig } from '../../src/population/engine/population-config.ts';
import { resolveHomeMcc } from '../../src/population/engine/resolve-home-mcc.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 2);
const at = (d: number, h: number) => T0 + d * 24 * H + h * H;
const ZONE: Record<string, string> = { h1: 'A', h2: 'A', w1: 'B', c1: 'C', x: 'OUT' };
const zoneOf = (h3: string) => (h3 === 'x' ? null : ZONE[h3] ?? null);
const s = (device: string, h3: string, start: number, end: number): PlaceStay => ({ device, h3, start, end, lat: 45, lng: 9 });
const hw = (device: string, home: string | null, work: string | null = null): HomeWork => ({
  device, home, homeAt: home ? [45, 9] : null, homeNights: home ? 5 : 0, work, workAt: work ? [45, 9] : null, workDays: work ? 5 : 0, nightsSeen: 5,
});

describe('classifyPopulation', () => {
  const cfg = resolvePopulationConfig();
  const input = {
    homeWork: [hw('r1', 'h1', 'w1'), hw('r2', 'h2'), hw('r3', 'c1', 'w1'), hw('fr', 'c1'), hw('n', null), hw('o', 'x', 'h1')],
    stays: [
      s('r1', 'h1', at(0, 20), at(1, 7)), s('r1', 'w1', at(1, 9), at(1, 17)), s('r1', 'c1', at(1, 18), at(1, 19)), // day visit to C
      s('r2', 'h2', at(0, 20), at(1, 7)), s('r2', 'c1', at(2, 21), at(3, 6)), // overnight in C
      s('r3', 'c1', at(0, 20), at(1, 7)), s('r3', 'w1', at(1, 9), at(1, 17)), s('r3', 'h1', at(1, 12), at(1, 13)), // day visitor in A from C
      s('fr', 'c1', at(0, 20), at(1, 7)), s('fr', 'h1', at(1, 10), at(1, 12)), // French roamer: never resident
      s('n', 'h1', at(1, 10), at(1, 11)), // no home: origin unknown
      s('o', 'h1', at(1, 9), at(1, 17)), // home outside the zone system, works in A
    ],
    mcc: new Map([['r1', '222'], ['r2', '222'], ['r3', '222'], ['fr', '208'], ['n', '222']]),
    homeMcc: '222',
    zoneOf,
  };
  const r = classifyPopulation(input, cfg);

  it('hand-computed zone classes', () => {
    expect(r.zones).toEqual([
      { zone: 'A', residents: 2, workers: 1, dayVisitors: 2, overnightVisitors: 0, roamers: 1, transit: 0, visitors: 3, served: 3 },
      { zone: 'B', residents: 0, workers: 2, dayVisitors: 0, overnightVisitors: 0, roamers: 0, transit: 0, visitors: 0, served: 2 },
      { zone: 'C', residents: 1, workers: 0, dayVisitors: 1, overnightVisitors: 1, roamers: 1, transit: 0, visitors: 3, served: 3 },
    ]);
  });

  it('people in transit: seen in a zone, no stay there, not home or work there; once per device and zone', () => {
    // Cells 11 km from the stays (all at 45, 9): passing through, not ping-pong at rest.
    const c = (device: string, h3: string, lat = 45.1) => ({ device, h3, lat, lng: 9 });
    const t = classifyPopulation({
      ...input,
      seen: [
        c('r1', 'h1'), c('r1', 'w1'), c('r1', 'c1'), // home A, work B, a stay in C: no transit anywhere
        c('r2', 'w1'), c('r2', 'w1'), // passes through B twice: once
        c('fr', 'w1'), // roamer through B
        c('n', 'c1'), c('n', 'x'), // through C; outside the zone system: nothing
      ],
    }, cfg);
    expect(Object.fromEntries(t.zones.map((z) => [z.zone, z.transit]))).toEqual({ A: 0, B: 2, C: 1 });
    // A cell within minTransitDistanceM (1 km) of one of the device's stay places is not transit.
    const near = classifyPopulation({ ...input, seen: [c('r2', 'w1', 45.005), c('n', 'c1', 45.02)] }, cfg);
    expect(Object.fromEntries(near.zones.map((z) => [z.zone, z.transit]))).toEqual({ A: 0, B: 0, C: 1 });
    // Transit is not a visitor class: visitors and served are unchanged.
    expect(t.zones.map((z) => [z.visitors, z.served])).toEqual(r.zones.map((z) => [z.visitors, z.served]));
  });

  it('origins: home zone, roamer country, or unknown', () => {
    expect(r.origins).toEqual([
      { zone: 'A', origin: 'C', visitors: 1 },
      { zone: 'A', origin: 'FR', visitors: 1 },
      { zone: 'A', origin: 'unknown', visitors: 1 },
      { zone: 'C', origin: 'A', visitors: 2 },
      { zone: 'C', origin: 'FR', visitors: 1 },
    ]);
  });

  it('home MCC: configured, or the most seen (and says so)', () => {
    expect(resolveHomeMcc('222', input.mcc)).toEqual({ mcc: '222', source: 'config' });
    expect(resolveHomeMcc(undefined, input.mcc)).toEqual({ mcc: '222', source: 'most-seen' });
    expect(resolveHomeMcc(undefined, new Map())).toBeNull();
    expect(() => resolveHomeMcc('22', input.mcc)).toThrow(/3 digits/);
  });
});

describe('ksafeBreakdown', () => {
  it('drops the whole zone when one label is in [1, k)', () => {
    const rows = [
      { zone: 'A', counts: { residents: 12, workers: 2, visitors: 9 } },
      { zone: 'B', counts: { residents: 5, workers: 0, visitors: 7 } },
    ];
    const r = ksafeBreakdown(rows, 5);
    expect(r.suppressedZones).toEqual(['A']);
    expect(r.released).toEqual([{ zone: 'B', counts: { residents: 5, workers: 0, visitors: 7 } }]);
  });

  it('pools small origins into `other`, then releases only when the pool is 0 or ≥ k', () => {
    const r = ksafeBreakdown([
      { zone: 'A', counts: { B: 10, FR: 2, DE: 3 } }, // pool 5 ≥ 5: released
      { zone: 'C', counts: { A: 10, FR: 2 } }, // pool 2 < 5: dropped whole
      { zone: 'D', counts: { A: 6 } },
    ], 5, { label: 'other' });
    expect(r.released).toEqual([{ zone: 'A', counts: { B: 10, other: 5 } }, { zone: 'D', counts: { A: 6 } }]);
    expect(r.suppressedZones).toEqual(['C']);
    // Never leaks by difference: every released number is 0 or ≥ k and the labels sum to the zone total.
    for (const z of r.released) for (const v of Object.values(z.counts)) expect(v === 0 || v >= 5).toBe(true);
  });

  it('randomised: released counts are never in [1, k) and sums are kept', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 200; i++) {
      const counts: Record<string, number> = {};
      for (let j = 0; j < 6; j++) counts[`o${j}`] = Math.floor(rnd() * 12);
      const k = 2 + Math.floor(rnd() * 8);
      const r = ksafeBreakdown([{ zone: 'z', counts }], k, { label: 'other' });
      for (const z of r.released) {
        for (const v of Object.values(z.counts)) expect(v === 0 || v >= k).toBe(true);
        expect(Object.values(z.counts).reduce((a, b) => a + b, 0)).toBe(Object.values(counts).reduce((a, b) => a + b, 0));
      }
    }
  });
});

describe('expansionFactors', () => {
  it('census ÷ residents where known, else 1 ÷ market share', () => {
    const f = expansionFactors(new Map([['A', 40], ['B', 0]]), new Map([['A', 1000], ['B', 500]]), 0.25);
    expect(f('A')).toBe(25);
    expect(f('B')).toBe(4);
    expect(f('Z')).toBe(4);
    expect(() => expansionFactors(new Map(), null, 0)).toThrow(/market share/);
  });
});

describe('classifyPopulation with footprints (expected counts)', () => {
  const cfg = resolvePopulationConfig();
  // d1, d2: homes (zone A by their centres) whose footprints lie half in A, half in B; d3: home in C
  // counted whole (no footprint: a GPS-seen place), work place in B by its centre with 80 % of its
  // footprint in B and 20 % in C (its home zone). By hand: residents A 0.5 + 0.5 = 1, B 1, C 1;
  // workers B 0.8 × (1 − 0) = 0.8 → 1, C 0.2 × (1 − 1) = 0: a device never works where it lives.
  const shares = new Map<string, Map<string, number>>([
    ['d1:home', new Map([['A', 0.5], ['B', 0.5]])],
    ['d2:home', new Map([['A', 0.5], ['B', 0.5]])],
    ['d3:work', new Map([['B', 0.8], ['C', 0.2]])],
  ]);
  const r = classifyPopulation({
    homeWork: [hw('d1', 'h1'), hw('d2', 'h2'), hw('d3', 'c1', 'w1')],
    stays: [s('d1', 'h1', at(0, 20), at(1, 7)), s('d2', 'h2', at(0, 20), at(1, 7)), s('d3', 'c1', at(0, 20), at(1, 7)), s('d3', 'w1', at(1, 9), at(1, 17))],
    mcc: new Map(), homeMcc: '222', zoneOf,
    shares: (place, h) => shares.get(`${h.device}:${place}`) ?? null,
  }, cfg);

  it('shares residents and workers among the zones of each footprint, rounded per zone', () => {
    const by = new Map(r.zones.map((z) => [z.zone, [z.residents, z.workers]]));
    expect(Object.fromEntries(by)).toEqual({ A: [1, 0], B: [1, 1], C: [1, 0] });
  });

  it('leaves visits whole: a shared home is not a visit to the other zone of its footprint', () => {
    expect(r.zones.every((z) => z.dayVisitors === 0 && z.overnightVisitors === 0)).toBe(true);
    expect(r.origins).toEqual([]);
  });
});

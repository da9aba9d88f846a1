import { describe, expect, it } from 'vitest';
import { classifyPopulation } from '../../src/population/engine/classify-population.ts';
import type { HomeWork } from '../../src/population/engine/home-work.ts';
import type { PlaceStay } from '../../src/population/engine/place-stay.ts';
import { resolvePopulationConfig } from '../../src/population/engine/population-config.ts';

const H = 3_600_000, MON = Date.UTC(2026, 2, 2);
// Three zones side by side; a place's zone is read from its longitude (A < 9.1 ≤ B < 9.2 ≤ C).
const zoneOf = (_h3: string, _lat: number, lng: number) => (lng < 9.1 ? 'A' : lng < 9.2 ? 'B' : 'C');
const A = 9.05, C = 9.25;
const home = (device: string, lng: number, cellOnly: boolean): HomeWork =>
  ({ device, home: `h-${device}`, homeAt: [45.46, lng], homeCellOnly: cellOnly, homeNights: 10, work: null, workAt: null, workDays: 0, nightsSeen: 10 });
const visitC = (device: string): PlaceStay => ({ device, start: MON + 13 * H, end: MON + 15 * H, h3: 'c', lat: 45.46, lng: C });

describe('origins of visitors whose home is shared over a footprint', () => {
  it('split like their home, over the zones other than the one visited; rounded per zone and origin (hand-computed)', () => {
    // v1: home placed in A, footprint ¾ A ¼ B. v2: home in A with a GPS fix (whole). v3: home in A,
    // footprint ½ A ½ C — visiting C it is not from C, so its origin is A alone. Each visits C once.
    const shares = new Map<string, Map<string, number>>([['v1', new Map([['A', 0.75], ['B', 0.25]])], ['v3', new Map([['A', 0.5], ['C', 0.5]])]]);
    const input = {
      stays: ['v1', 'v2', 'v3'].map(visitC),
      homeWork: [home('v1', A, true), home('v2', A, false), home('v3', A, true)],
      mcc: new Map([['v1', '222'], ['v2', '222'], ['v3', '222']]),
      homeMcc: '222',
      zoneOf,
      shares: (_place: 'home' | 'work', h: HomeWork) => shares.get(h.device) ?? null,
    };
    const c = classifyPopulation(input, resolvePopulationConfig());
    // C's visitors from A: ¾ (v1) + 1 (v2) + 1 (v3) = 2.75 → 3; from B: ¼ (v1) → 0, not listed.
    expect(c.origins).toEqual([{ zone: 'C', origin: 'A', visitors: 3 }]);
    expect(c.zones.find((z) => z.zone === 'C')!.dayVisitors).toBe(3);
    // Residents are shared as before: A ¾ + 1 + ½ = 2.25 → 2, B ¼ → 0, C ½ → 1 (JS rounds half up).
    expect(Object.fromEntries(c.zones.map((z) => [z.zone, z.residents]))).toEqual({ A: 2, B: 0, C: 1 });
    // Without shares every origin is whole: 3 from A.
    const whole = classifyPopulation({ ...input, shares: undefined as never }, resolvePopulationConfig());
    expect(whole.origins).toEqual([{ zone: 'C', origin: 'A', visitors: 3 }]);
    // Two such visitors from a ¾ A ¼ B footprint make B's share ½ → 1: a minor origin is kept once it rounds up.
    shares.set('v2', new Map([['A', 0.75], ['B', 0.25]]));
    const two = classifyPopulation({ ...input, homeWork: [home('v1', A, true), home('v2', A, true), home('v3', A, true)] }, resolvePopulationConfig());
    expect(two.origins).toEqual([{ zone: 'C', origin: 'A', visitors: 3 }, { zone: 'C', origin: 'B', visitors: 1 }]);
  });
});

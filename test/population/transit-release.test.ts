import { describe, expect, it } from 'vitest';
import { resolvePopulationConfig } from '../../src/population/engine/population-config.ts';
import { buildPopulation } from '../../src/population/export/build-population.ts';
import type { PopulationInput } from '../../src/population/duckdb/read-population-input.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 2);

describe('transit in export population', () => {
  it('released on its own: its value when 0 or ≥ k, else null, without dropping the zone', () => {
    // Five residents of A (four nights each); one device passing through A (its only stay is far away).
    const stays = [...Array(5)].flatMap((_, i) => [...Array(4)].map((__, n) => ({ device: `r${i}`, start: T0 + n * 24 * H + 20 * H, end: T0 + (n + 1) * 24 * H + 7 * H, h3: 'a', lat: 45, lng: 9 })));
    stays.push({ device: 't1', start: T0 + 10 * H, end: T0 + 12 * H, h3: 'far', lat: 46, lng: 9 });
    const input: PopulationInput = {
      stays, mcc: new Map(), seen: [{ device: 't1', h3: 'a2', lat: 45.1, lng: 9 }],
      zoneOf: (_h3, lat) => (lat < 45.5 ? 'A' : null), geometry: () => null,
    };
    const cfg = resolvePopulationConfig();
    const k5 = buildPopulation(input, { config: cfg, k: 5, from: T0, to: T0 + 5 * 24 * H });
    expect(k5.zones[0]).toMatchObject({ zone: 'A', residents: 5, transit: 1 });
    expect(k5.released).toEqual([expect.objectContaining({ zone: 'A', residents: 5, transit: null })]);
    const k1 = buildPopulation(input, { config: cfg, k: 1, from: T0, to: T0 + 5 * 24 * H });
    expect(k1.released[0]!.transit).toBe(1);
  });
});

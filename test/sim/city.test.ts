import { describe, expect, it } from 'vitest';
import { cellTableCsv } from '../../src/sim/city/cell-table-csv.ts';
import { createCity } from '../../src/sim/city/create-city.ts';
import { zonesToGeoJson } from '../../src/sim/city/zones-to-geojson.ts';
import { resolveSimConfig } from '../../src/sim/resolve-sim-config.ts';
import { Rng } from '../../src/sim/rng.ts';
import { H, START } from './support/run-sim.ts';

const city = createCity({ seed: 9, start: START });

describe('createCity', () => {
  it('generates a city: dense centre, rings, suburbs and two venues', () => {
    expect(city.zones).toHaveLength(38);
    expect(city.zones.filter((z) => z.venue).map((z) => z.venue).sort()).toEqual(['square', 'stadium']);
    const centre = city.zones.find((z) => z.name === 'Centro 2')!, suburb = city.zones.find((z) => z.name === 'Hinterland 2')!;
    expect(centre.weight / centre.areaM2).toBeGreaterThan((3 * suburb.weight) / suburb.areaM2);
    expect(city.zones.find((z) => z.venue === 'stadium')!.weight).toBe(0);
    const gj = zonesToGeoJson(city.zones);
    expect(gj.features[0]!.properties).toMatchObject({ id: city.zones[0]!.id, name: city.zones[0]!.name });
  });

  it('plans three sectors per site, denser in the centre', () => {
    for (const s of city.sites) {
      expect(s.cellIds).toHaveLength(3);
      for (const id of s.cellIds) expect(id).toMatch(/^222-01-\d+-\d+$/);
      expect(s.azimuths[1] - s.azimuths[0]).toBe(120);
    }
    const within = (r0: number, r1: number) => city.sites.filter((s) => Math.hypot(s.x, s.y) >= r0 && Math.hypot(s.x, s.y) < r1).length;
    const density = (r0: number, r1: number) => within(r0, r1) / (Math.PI * (r1 * r1 - r0 * r0));
    expect(density(0, 2_000)).toBeGreaterThan(4 * density(7_000, 11_000));
    expect(new Set(city.cells.map((c) => c.cellId)).size).toBe(3 * new Set(city.sites.map((s) => s.id)).size);
  });

  it('re-plans a few cells mid-run: two non-overlapping versions at different places', () => {
    const versions = new Map<string, typeof city.cells>();
    for (const c of city.cells) versions.set(c.cellId, [...(versions.get(c.cellId) ?? []), c]);
    const replanned = [...versions.values()].filter((v) => v.length > 1);
    expect(replanned.length).toBeGreaterThanOrEqual(6);
    for (const [a, b] of replanned.map((v) => [...v].sort((x, y) => x.validFrom - y.validFrom))) {
      expect(a!.validFrom).toBe(-Infinity);
      expect(a!.validTo).toBe(b!.validFrom);
      expect(b!.validTo).toBe(Infinity);
      expect(b!.validFrom).toBeGreaterThanOrEqual(START + 12 * H);
      expect(Math.abs(a!.lat - b!.lat) + Math.abs(a!.lon - b!.lon)).toBeGreaterThan(0.003);
    }
    const csv = cellTableCsv(city.cells).split('\n');
    expect(csv[0]).toBe('cell_id,lat,lon,site_id,azimuth_deg,range_m,valid_from,valid_to');
    const closed = csv.filter((l) => /Z,|Z$/.test(l));
    expect(closed.length).toBe(replanned.length * 2);
    expect(closed[0]).toMatch(/,(2026-03-02T1\d:\d\d:00Z)?,(2026-03-02T1\d:\d\d:00Z)?$/);
  });

  it('covers every place in the city with a site in range', () => {
    const rng = new Rng(1);
    for (let k = 0; k < 2_000; k++) {
      const z = city.zones[rng.int(city.zones.length)]!;
      const x = rng.range(z.shape.minX, z.shape.maxX), y = rng.range(z.shape.minY, z.shape.maxY);
      for (const t of [START, START + 23 * H]) {
        const site = city.index.site(city.index.nearest(x, y, t));
        expect(Math.hypot(site.x - x, site.y - y)).toBeLessThanOrEqual(site.rangeM);
      }
    }
  });
});

describe('resolveSimConfig', () => {
  it('fills documented defaults and names bad fields', () => {
    expect(resolveSimConfig()).toMatchObject({ seed: 1, subscribers: 20_000, days: 1, start: START, badRate: 0, disorderMs: 30_000, windowMs: 900_000 });
    expect(() => resolveSimConfig({ subscribers: 0 })).toThrow(/SimConfig.subscribers/);
    expect(() => resolveSimConfig({ badRate: 2 })).toThrow(/SimConfig.badRate/);
    expect(() => resolveSimConfig({ windowMs: 7 * 60_000 })).toThrow(/divide a day/);
  });

  it('rejects zones that are not polygons', () => {
    const zones = { type: 'FeatureCollection' as const, features: [{ type: 'Feature' as const, properties: {}, geometry: { type: 'Point' as const, coordinates: [9, 45] } }] };
    expect(() => createCity({ zones })).toThrow(/feature 0 is a Point/);
  });
});

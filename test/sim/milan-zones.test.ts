import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FeatureCollection } from 'geojson';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCity } from '../../src/sim/city/create-city.ts';
import { runSim } from './support/run-sim.ts';

/** The real Milan NIL districts, shared next to the repo (never copied into it). */
const MILAN = fileURLToPath(new URL('../../../shared/data/milan/nil_districts.geojson', import.meta.url));

describe.skipIf(!existsSync(MILAN))('--zones with the Milan NIL districts', () => {
  let zones: FeatureCollection;
  let run: ReturnType<typeof runSim>;

  beforeAll(() => {
    zones = JSON.parse(readFileSync(MILAN, 'utf8')) as FeatureCollection;
    run = runSim({ seed: 4, subscribers: 800, zones });
  });

  it('lays the city over the 88 districts, ids from ID_NIL and names from NIL', () => {
    const { zones: z } = run.sim.city;
    expect(z).toHaveLength(88);
    expect(z.find((x) => x.id === '1')?.name).toBe('DUOMO');
    expect(z.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(1, 6);
    // The centre is denser than the parks.
    const duomo = z.find((x) => x.name === 'DUOMO')!, park = z.find((x) => x.name === 'PARCO DELLE ABBAZIE')!;
    expect(duomo.weight / duomo.areaM2).toBeGreaterThan((10 * park.weight) / park.areaM2);
  });

  it('puts the stadium at STADIO - IPPODROMI and the gathering in DUOMO, inside their zones', () => {
    const [stadium, gathering] = run.sim.scenarios;
    expect(stadium!.zoneName).toBe('STADIO - IPPODROMI');
    expect(gathering!.zoneName).toBe('DUOMO');
    const { frame, zones: z } = run.sim.city;
    for (const s of run.sim.scenarios) {
      const zone = z.find((x) => x.id === s.zoneId)!;
      expect(zone.shape.contains(frame.x(s.center.lon), frame.y(s.center.lat))).toBe(true);
    }
  });

  it('homes lie in their districts and trips run between district ids', () => {
    const { zones: z } = run.sim.city;
    for (const s of run.sim.subscribers) expect(z[s.home.zone]!.shape.contains(s.home.x, s.home.y)).toBe(true);
    const ids = new Set(z.map((x) => x.id));
    expect(run.truth.trips.length).toBeGreaterThan(800);
    for (const t of run.truth.trips) expect(ids.has(t.fromZone) && ids.has(t.toZone)).toBe(true);
  });

  it('covers every district with a cell in range', () => {
    const city = createCity({ zones });
    for (const z of city.zones) {
      const i = city.index.nearest(z.shape.cx, z.shape.cy, Date.UTC(2026, 2, 2));
      const site = city.index.site(i);
      expect(Math.hypot(site.x - z.shape.cx, site.y - z.shape.cy)).toBeLessThanOrEqual(site.rangeM);
    }
    expect(city.sites.length).toBeGreaterThan(200);
  });
});

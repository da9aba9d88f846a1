import { latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { PopulationInput } from '../../src/population/duckdb/read-population-input.ts';
import type { PlaceStay } from '../../src/population/engine/place-stay.ts';
import { resolvePopulationConfig } from '../../src/population/engine/population-config.ts';
import { buildPopulation } from '../../src/population/export/build-population.ts';

const H = 3_600_000, MON = Date.UTC(2026, 2, 2);
const at = (d: number, h: number) => MON + d * 24 * H + h * H;
const M_LAT = 1 / 111_195;
const HOME = { lat: 45.46, lng: 9.19 };
/** A point `m` metres north of home. */
const north = (m: number) => ({ lat: HOME.lat + m * M_LAT, lng: HOME.lng });

/**
 * One resident of zone Z: five nights at home (days 0–4) make the home place; on day 5 the night is
 * placed 380 m north (the next H3 res-8 cell: the same flat, another cell on that day), on day 6
 * 900 m north (somewhere else in Z). Everything is in zone Z.
 */
function input(): PopulationInput {
  const stays: PlaceStay[] = [];
  const stay = (p: { lat: number; lng: number }, d: number) => stays.push({ device: 'r1', start: at(d, 20), end: at(d + 1, 7), h3: latLngToCell(p.lat, p.lng, 8), lat: p.lat, lng: p.lng });
  for (let d = 0; d < 5; d++) stay(HOME, d);
  stay(north(380), 5);
  stay(north(900), 6);
  return { stays, seen: [], mcc: new Map([['r1', '222']]), zoneOf: () => 'Z', geometry: () => null };
}

describe('counts by day: present at home', () => {
  it('a night placed in the next H3 cell within presentRadiusM counts the resident at home that day; 900 m away does not (hand-computed)', () => {
    const inp = input();
    expect(latLngToCell(north(380).lat, north(380).lng, 8)).not.toBe(latLngToCell(HOME.lat, HOME.lng, 8));
    const residentsByDay = (presentRadiusM: number) => buildPopulation(inp, { config: resolvePopulationConfig({ presentRadiusM }), k: 1, by: 'day' })
      .days!.map((d) => `${d.day}:${d.released.find((z) => z.zone === 'Z')?.residents ?? 0}`);
    // Days 0–4 (Mon–Fri) and their mornings after: at home. Sat 7 Mar: the 380 m night (and Friday's morning at home).
    // Sun 8 Mar: the morning of the 380 m night, then the 900 m night. Mon 9 Mar: the 900 m morning only.
    expect(residentsByDay(500)).toEqual(['2026-03-02:1', '2026-03-03:1', '2026-03-04:1', '2026-03-05:1', '2026-03-06:1', '2026-03-07:1', '2026-03-08:1', '2026-03-09:0']);
    // With the home cell alone (0 m) Sunday has no stay at home: its morning is in the next cell.
    expect(residentsByDay(0)).toEqual(['2026-03-02:1', '2026-03-03:1', '2026-03-04:1', '2026-03-05:1', '2026-03-06:1', '2026-03-07:1', '2026-03-08:0', '2026-03-09:0']);
  });

  it('presentRadiusM is checked, naming the field', () => {
    expect(() => resolvePopulationConfig({ presentRadiusM: -1 })).toThrow(/presentRadiusM/);
  });
});

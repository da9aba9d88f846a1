import { latLngToCell } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { TRAVEL_MODES } from '../../src/sim/people/travel-mode.ts';
import { H, runSim, START } from './support/run-sim.ts';

let run: ReturnType<typeof runSim>;

beforeAll(() => {
  run = runSim({ seed: 21, subscribers: 1_000 });
});

describe('ground truth', () => {
  it('places every attached device in one res-9 cell per window, in window order', () => {
    const windows = new Map<number, Set<string>>();
    let last = -Infinity;
    for (const p of run.truth.positions) {
      expect(p.windowStart).toBeGreaterThanOrEqual(last);
      last = p.windowStart;
      expect(p.h3).toMatch(/^89[0-9a-f]{13}$/);
      let set = windows.get(p.windowStart);
      if (!set) windows.set(p.windowStart, (set = new Set()));
      expect(set.has(p.imsi)).toBe(false);
      set.add(p.imsi);
    }
    expect(windows.size).toBe(96);
    const nightOff = run.sim.subscribers.filter((s) => s.nightOff).length;
    const n = run.sim.subscribers.length;
    // Midday: everyone is on. 03:00: the night-off phones are off and absent.
    expect(windows.get(START + 12 * H)!.size).toBe(n);
    expect(windows.get(START + 3 * H)!.size).toBe(n - nightOff);
  });

  it('puts people at home at night', () => {
    const { frame } = run.sim.city;
    const at3 = new Map(run.truth.positions.filter((p) => p.windowStart === START + 3 * H).map((p) => [p.imsi, p.h3]));
    for (const s of run.sim.subscribers) {
      if (s.nightOff) continue;
      expect(at3.get(s.imsi)).toBe(latLngToCell(frame.lat(s.home.y), frame.lon(s.home.x), 9));
    }
  });

  it('records trips between known zones with plausible speeds', () => {
    const zoneIds = new Set(run.sim.city.zones.map((z) => z.id));
    expect(run.truth.trips.length).toBeGreaterThan(run.sim.subscribers.length * 2);
    for (const t of run.truth.trips) {
      expect(t.arriveTs).toBeGreaterThan(t.departTs);
      expect(t.arriveTs - t.departTs).toBeLessThan(3 * H);
      expect(zoneIds.has(t.fromZone)).toBe(true);
      expect(zoneIds.has(t.toZone)).toBe(true);
      expect(TRAVEL_MODES).toContain(t.mode);
    }
    // Morning commute: most trips leaving 7–9h go from the home zone.
    const workers = new Map(run.sim.subscribers.filter((s) => s.persona === 'worker').map((s) => [s.imsi, s]));
    const morning = run.truth.trips.filter((t) => workers.has(t.imsi) && t.departTs >= START + 7 * H && t.departTs < START + 9 * H);
    expect(morning.length).toBeGreaterThan(workers.size * 0.4);
    const zones = run.sim.city.zones;
    const fromHome = morning.filter((t) => zones[workers.get(t.imsi)!.home.zone]!.id === t.fromZone);
    expect(fromHome.length / morning.length).toBeGreaterThan(0.9);
  });

  it('moves people: the cell changes between night and working hours for most workers', () => {
    const cellAt = (t: number) => new Map(run.truth.positions.filter((p) => p.windowStart === t).map((p) => [p.imsi, p.h3]));
    const night = cellAt(START + 4 * H), day = cellAt(START + 11 * H);
    const workers = run.sim.subscribers.filter((s) => s.persona === 'worker' && !s.nightOff);
    const moved = workers.filter((s) => night.get(s.imsi) !== day.get(s.imsi));
    expect(moved.length / workers.length).toBeGreaterThan(0.75);
  });
});

import { cellToLatLng } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { scenariosJson } from '../../src/sim/truth/scenarios-json.ts';
import { H, haversine, runSim, START } from './support/run-sim.ts';

let run: ReturnType<typeof runSim>;

beforeAll(() => {
  run = runSim({ seed: 3, subscribers: 2_000 });
});

/** Devices per window whose true cell lies within `radius` metres of the scenario centre. */
function presence(center: { lat: number; lon: number }, radius: number): Map<number, number> {
  const near = new Map<string, boolean>();
  const counts = new Map<number, number>();
  for (const p of run.truth.positions) {
    let hit = near.get(p.h3);
    if (hit === undefined) {
      const [lat, lon] = cellToLatLng(p.h3);
      near.set(p.h3, (hit = haversine(lat, lon, center.lat, center.lon) <= radius));
    }
    counts.set(p.windowStart, (counts.get(p.windowStart) ?? 0) + (hit ? 1 : 0));
  }
  return counts;
}

describe('planted scenarios', () => {
  it('plants a stadium event and a slow gathering by default', () => {
    const [stadium, gathering] = run.sim.scenarios;
    expect(stadium).toMatchObject({ kind: 'stadium', zoneName: 'Stadio', expectedPeople: 300 });
    expect(gathering).toMatchObject({ kind: 'gathering', zoneName: 'Piazza', expectedPeople: 60 });
    expect(stadium!.peakStart - stadium!.start).toBe(1.5 * H);
    expect(stadium!.peakEnd - stadium!.peakStart).toBe(2 * H);
    const json = JSON.parse(scenariosJson(run.sim.scenarios));
    expect(json[0]).toMatchObject({ id: 'stadium-1', start: '2026-03-02T18:30:00.000Z', zoneId: stadium!.zoneId });
    expect(json[0].polygon.type).toBe('Polygon');
  });

  it('fills the stadium to its expected crowd at the peak, and empties it after', () => {
    const s = run.sim.scenarios[0]!;
    const counts = presence(s.center, s.radiusM + 250);
    const peakWindow = [...counts].reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(peakWindow[0]).toBeGreaterThanOrEqual(s.peakStart - 15 * 60_000);
    expect(peakWindow[0]).toBeLessThan(s.peakEnd);
    expect(peakWindow[1]).toBeGreaterThanOrEqual(s.expectedPeople * 0.95);
    expect(peakWindow[1]).toBeLessThan(s.expectedPeople * 1.3);
    expect(counts.get(START + 12 * H)!).toBeLessThan(s.expectedPeople * 0.1);
    expect(counts.get(s.end + H)!).toBeLessThan(s.expectedPeople * 0.1);
    // Arriving over 90 minutes: half full about half-way.
    const mid = counts.get(s.start + 45 * 60_000)!;
    expect(mid).toBeGreaterThan(s.expectedPeople * 0.3);
    expect(mid).toBeLessThan(s.expectedPeople * 0.7);
  });

  it('fills the square gradually over hours', () => {
    const s = run.sim.scenarios[1]!;
    const counts = presence(s.center, s.radiusM + 250);
    const base = counts.get(s.start - H)!;
    const at = (t: number) => counts.get(t)! - base;
    expect(at(s.start + H)).toBeLessThan(at(s.start + 2 * H));
    expect(at(s.start + 2 * H)).toBeLessThan(at(s.peakStart));
    expect(at(s.peakStart)).toBeGreaterThanOrEqual(s.expectedPeople * 0.9);
  });

  it('honours configured scenarios and rejects ones outside the period', async () => {
    const { Simulation } = await import('../../src/sim/simulation.ts');
    const sim = new Simulation({
      start: START,
      subscribers: 400,
      scenarios: [{ kind: 'gathering', id: 'demo', share: 0.1, start: '2026-03-02T09:00:00Z' }],
    });
    expect(sim.scenarios).toHaveLength(1);
    expect(sim.scenarios[0]).toMatchObject({ id: 'demo', expectedPeople: 40, start: START + 9 * H });
    expect(sim.subscribers.filter((s) => s.appointment).length).toBe(40);
    expect(() => new Simulation({ start: START, subscribers: 10, scenarios: [{ kind: 'stadium', start: START + 23 * H }] })).toThrow(/inside the simulated period/);
  });
});

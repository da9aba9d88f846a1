import { describe, expect, it } from 'vitest';
import { createCity } from '../../src/sim/city/create-city.ts';
import { Segment } from '../../src/sim/people/segment.ts';
import { buildRoadNetwork } from '../../src/sim/roads/build-road-network.ts';
import { parseIncident } from '../../src/sim/roads/parse-incident.ts';
import { roadCorridors } from '../../src/sim/roads/road-corridors.ts';
import { RoadTraffic } from '../../src/sim/roads/road-traffic.ts';
import { RoadTruth } from '../../src/sim/roads/road-truth.ts';
import { Simulation } from '../../src/sim/simulation.ts';
import type { TrueRoadTraversal } from '../../src/sim/truth/truth-sink.ts';
import { START } from './support/run-sim.ts';

const city = createCity({ seed: 9, start: START });
const net = buildRoadNetwork(city.zones, city.frame);

describe('road network', () => {
  it('has radials, a ring and arterials, both directions, and every junction reaches every other', () => {
    const kinds = new Set(net.edges.map((e) => e.kind));
    expect([...kinds].sort()).toEqual(['arterial', 'radial', 'ring']);
    expect(net.edges.filter((e) => e.kind === 'ring')).toHaveLength(32);
    for (const e of net.edges) expect(net.edges.some((o) => o.from === e.to && o.to === e.from && o.road === e.road)).toBe(true);
    for (let b = 1; b < net.nodes.length; b += 7) {
      const p = net.path(0, b);
      expect(p.length).toBeGreaterThan(0);
      expect(net.edges[p[0]!]!.from).toBe(0);
      expect(net.edges[p[p.length - 1]!]!.to).toBe(b);
    }
  });

  it('slows traffic by the BPR relation: free flow when empty, v/(1 + 0.15 (q/c)^4) under load', () => {
    const t = new RoadTraffic(net, 100);
    const e = net.edges.findIndex((x) => x.kind === 'radial');
    const edge = net.edges[e]!;
    t.startDay(START);
    expect(t.speedKmh(e, START + 3_600_000)).toBe(edge.freeFlowKmh);
    // 9 cars × 100 vehicles in one 5-min bin, averaged over it and its two neighbours = 3600 veh/h
    // on a 2-lane radial of 3600 veh/h: v/c = 1.
    for (let i = 0; i < 9; i++) t.addCar(e, START + 3_600_000 + 1_000);
    t.freeze();
    expect(t.speedKmh(e, START + 3_600_000 + 60_000)).toBeCloseTo(edge.freeFlowKmh / 1.15, 9);
    // The bins either side average over it too; two bins away it is gone.
    expect(t.speedKmh(e, START + 3_600_000 + 300_000)).toBeCloseTo(edge.freeFlowKmh / 1.15, 9);
    expect(t.speedKmh(e, START + 3_600_000 + 600_000)).toBe(edge.freeFlowKmh);
    t.setIncident({ edge: edge.id, road: edge.road, start: START + 3_600_000, end: START + 3_900_000, capacityLeft: 0.5 });
    // Capacity halved: v/c = 2 → 1 + 0.15 · 16 = 3.4; below the cap of half free flow.
    expect(t.speedKmh(e, START + 3_600_000 + 60_000)).toBeCloseTo(edge.freeFlowKmh / 3.4, 9);
  });

  it('moves a road segment edge by edge at its own speed', () => {
    // 0 → 1000 m in 100 s, then 1000 → 2000 m in 10 s, after 5 s of waiting.
    const s = Segment.roadMove(0, [0, 1_000, 2_000], [0, 0, 0], [5_000, 105_000, 115_000], [0], 0, 0, 'car');
    const p = { x: 0, y: 0 };
    s.locate(2_000, p);
    expect(p.x).toBe(0);
    s.locate(55_000, p);
    expect(p.x).toBeCloseTo(500, 9);
    s.locate(110_000, p);
    expect(p.x).toBeCloseTo(1_500, 9);
    expect(s.to).toBe(115_000);
    expect(s.maxSpeed).toBeCloseTo(0.1, 9); // m/ms
  });

  it('declares corridors along radials and the ring, each crossing at least three sites', () => {
    const cs = roadCorridors(net, city, START);
    expect(cs.length).toBeGreaterThan(20);
    for (const c of cs) {
      expect(new Set(c.cells).size).toBeGreaterThanOrEqual(3);
      expect(c.entries_m[0]).toBe(0);
      for (let i = 1; i < c.entries_m.length; i++) expect(c.entries_m[i]!).toBeGreaterThan(c.entries_m[i - 1]!);
      expect(c.geometry.coordinates.length).toBe(c.edges.length + 1);
    }
  });

  it('parses --incident', () => {
    expect(parseIncident('on')).toEqual({});
    expect(parseIncident('1/17:30+45@radial-2-in-3')).toEqual({ day: 1, startMin: 1050, durationMin: 45, edge: 'radial-2-in-3' });
    expect(() => parseIncident('25:00')).toThrow(/time of day/);
    expect(() => parseIncident('8am')).toThrow(/HH:MM/);
  });
});

describe('simulation with roads', () => {
  it('drives cars along roads; a planted lane closure slows its edge', () => {
    const sim = new Simulation({ seed: 3, subscribers: 1_500, start: START, incident: { startMin: 480, durationMin: 60 } });
    const edges = new Map(sim.roads!.traffic.net.edges.map((e) => [e.id, e.lengthM]));
    const truth = new RoadTruth(edges);
    const trav: TrueRoadTraversal[] = [];
    let cars = 0;
    for (const _ of sim.chunks({ roadTraversal: (t) => (truth.add(t), trav.push(t)), trip: (t) => void (t.mode === 'car' && cars++) })) void _;
    expect(cars).toBeGreaterThan(100);
    const inc = sim.incident!;
    expect(inc.start).toBe(START + 8 * 3_600_000);
    const ff = sim.roads!.traffic.net.edges.find((e) => e.id === inc.edge)!.freeFlowKmh;
    const rows = truth.rows().filter((r) => r.edge === inc.edge && r.cars > 0);
    const during = rows.filter((r) => r.binStart >= inc.start && r.binStart < inc.end);
    const night = rows.filter((r) => r.binStart < START + 6 * 3_600_000);
    expect(during.length).toBeGreaterThan(0);
    for (const r of during) expect(r.carSpeedKmh).toBeLessThanOrEqual(ff * inc.capacityLeft * 1.001) // whole ms;
    for (const r of night) expect(r.carSpeedKmh).toBeGreaterThan(0.95 * ff);
    // Every traversal takes the time its length at its speed takes, and enters after the previous one.
    for (const t of trav) expect(t.exit).toBeGreaterThan(t.enter);
  });
});

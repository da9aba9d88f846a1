import { gridPathCells, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../../src/window/device-window.ts';
import { corridorBins } from '../../src/traffic/engine/corridor-bins.ts';
import type { Hop } from '../../src/traffic/engine/hop.ts';
import { newHopTrack, pushHopEvent } from '../../src/traffic/engine/hop-tracker.ts';
import { learnCorridors } from '../../src/traffic/engine/learn-corridors.ts';
import { parseCorridors } from '../../src/traffic/engine/parse-corridors.ts';
import { detectSlowdowns } from '../../src/traffic/engine/slowdown-detector.ts';
import { resolveTrafficConfig } from '../../src/traffic/engine/traffic-config.ts';
import { vehicleHours } from '../../src/traffic/engine/vehicle-hours.ts';

const T0 = Date.UTC(2026, 2, 2, 8, 0);
/** Five cells in a row, ~2.5 km west to east. */
const CELLS = gridPathCells(latLngToCell(45.46, 9.15, 9), latLngToCell(45.46, 9.21, 9)).filter((_, i) => i % 2 === 0).slice(0, 5);
const [corridor] = parseCorridors({ corridors: [{ id: 'east', cells: CELLS, entries_m: [0, 500, 1000, 1500, 2000], length_m: 2000, free_flow_kmh: 90 }] });
const cfg = resolveTrafficConfig({ binMs: 300_000 });

/** The hops of a device driving the corridor at `kmh`, entering the first cell at `t0`. */
function drive(device: string, kmh: number, t0: number, cells = CELLS, entries = [0, 500, 1000, 1500, 2000]): Hop[] {
  const at = (i: number) => t0 + Math.round((entries[i]! / (kmh / 3.6)) * 1000);
  const hops: Hop[] = [];
  for (let i = 1; i + 1 < cells.length; i++) hops.push({ device, prev: cells[i - 1]!, h3: cells[i]!, next: cells[i + 1]!, enterTs: at(i), exitTs: at(i + 1) });
  return hops;
}

describe('corridor bins (hand-computed)', () => {
  it('median speed of ≥ 5 devices, flow, travel time, congestion against the declared free flow', () => {
    const hops = [36, 54, 72, 90, 108].flatMap((v, i) => drive(`d${i}`, v, T0 + 1_000 * i));
    hops.push(...drive('walker', 4, T0 - 450_000, CELLS.slice(0, 3), [0, 500, 1000])); // 4 km/h: a walker, not traffic
    const bins = corridorBins(corridor!, hops, cfg);
    // Every device's first timed entry (cell 2 at 500 m) falls in the 08:00 bin.
    expect(bins).toHaveLength(1);
    const b = bins[0]!;
    expect(b).toMatchObject({ corridor: 'east', binStart: T0, flow: 5, walkers: 1, speedDevices: 5, freeFlowKmh: 90 });
    expect(b.speedKmh).toBeCloseTo(72, 6);
    expect(b.travelTimeS).toBeCloseTo(2000 / 20, 6);
    expect(b.congestion).toBeCloseTo(1 - 72 / 90, 6);
  });

  it('gives no speed below 5 devices, but the flow', () => {
    const hops = [40, 50, 60, 70].flatMap((v, i) => drive(`d${i}`, v, T0));
    const [b] = corridorBins(corridor!, hops, cfg);
    expect(b).toMatchObject({ flow: 4, speedKmh: null, congestion: null, travelTimeS: null });
  });

  it('needs the cells in corridor order: the opposite direction and a ping-pong do not count', () => {
    const back = [...CELLS].reverse();
    const hops = [50, 50, 50, 50, 50].flatMap((v, i) => drive(`r${i}`, v, T0, back));
    hops.push({ device: 'p', prev: CELLS[1]!, h3: CELLS[2]!, next: CELLS[1]!, enterTs: T0, exitTs: T0 + 60_000 });
    expect(corridorBins(corridor!, hops, cfg)).toEqual([]);
  });

  it('takes the free flow from the night 85th percentile when there are enough night speeds', () => {
    const night = Date.UTC(2026, 2, 2, 2, 0);
    const hops = [60, 70, 80, 90, 100].flatMap((v, i) => drive(`n${i}`, v, night));
    hops.push(...[30, 30, 30, 30, 30].flatMap((v, i) => drive(`m${i}`, v, T0)));
    const bins = corridorBins(corridor!, hops, cfg);
    // p85 of 60..100 by linear interpolation: 90 + 0.4 · 10 = 94.
    expect(bins[1]!.freeFlowKmh).toBeCloseTo(94, 1);
    expect(bins[1]!.congestion).toBeCloseTo(1 - 30 / 94, 2);
  });
});

describe('a car in a jam is traffic, a parked driver walking on is not', () => {
  it('counts a walking-pace crossing as a vehicle only between fast crossings', () => {
    const far = gridPathCells(latLngToCell(45.40, 9.15, 9), latLngToCell(45.40, 9.21, 9)).filter((_, i) => i % 2 === 0).slice(0, 5);
    const fastAt = (device: string, t: number) => drive(device, 60, t, far);
    // jam: fast 20 min before, 5 km/h on the corridor, fast 20 min after; parked: fast before only.
    const hops = [
      ...fastAt('jam', T0 - 1_200_000), ...drive('jam', 5, T0 - 360_000, CELLS.slice(0, 3), [0, 500, 1000]), ...fastAt('jam', T0 + 1_200_000),
      ...fastAt('parked', T0 - 1_200_000), ...drive('parked', 5, T0 - 360_000, CELLS.slice(0, 3), [0, 500, 1000]),
    ];
    const vehicle = vehicleHours(hops, 16);
    expect(vehicle('jam', T0)).toBe(true);
    expect(vehicle('parked', T0)).toBe(false);
    const [b] = corridorBins(corridor!, hops, cfg, 1, vehicle);
    expect(b).toMatchObject({ binStart: T0, flow: 1, walkers: 1 });
  });
});

describe('hop tracker', () => {
  it('turns handovers into hops, ignores fixes, ping-pong and a detach', () => {
    const [a, b, c, d] = CELLS;
    const ev = (ts: number, h3: string, kind = 'handover'): DeviceEvent => ({ ts, h3, kind });
    const s = newHopTrack('x');
    const out: Hop[] = [];
    for (const e of [ev(0, a!, 'tau'), ev(10, b!), ev(12, '89aaaaaaaaaaaaa', 'fix'), ev(20, a!), ev(30, b!), ev(40, c!), ev(45, c!, 'data'), ev(50, d!), ev(55, d!, 'detach'), ev(60, a!, 'attach'), ev(70, b!)]) {
      pushHopEvent(s, e, 1_200_000, out);
    }
    // a→b→a is a ping-pong; b (entered at 30) → c at 40: hop (a, b, c); c (40) → d at 50: hop (b, c, d).
    expect(out).toEqual([
      { device: 'x', prev: a, h3: b, next: c, enterTs: 30, exitTs: 40 },
      { device: 'x', prev: b, h3: c, next: d, enterTs: 40, exitTs: 50 },
    ]);
  });
});

describe('corridor learning', () => {
  it('stitches frequent 3-cell chains of moving devices into one corridor per direction', () => {
    const c7 = gridPathCells(latLngToCell(45.46, 9.15, 9), latLngToCell(45.46, 9.26, 9)).filter((_, i) => i % 2 === 0).slice(0, 7);
    const hops: Hop[] = [];
    for (let i = 0; i < 12; i++) hops.push(...drive(`e${i}`, 50, T0 + i * 60_000, c7, c7.map((_, j) => j * 500)));
    for (let i = 0; i < 12; i++) hops.push(...drive(`w${i}`, 50, T0 + i * 60_000, [...c7].reverse(), c7.map((_, j) => j * 500)));
    // A rare side street: 3 devices only (below minSupport 10).
    for (let i = 0; i < 3; i++) hops.push(...drive(`s${i}`, 50, T0, [c7[2]!, c7[3]!, latLngToCell(45.47, 9.17, 9), latLngToCell(45.48, 9.17, 9)], [0, 500, 1000, 1500]));
    const learned = learnCorridors(hops, resolveTrafficConfig());
    expect(learned.map((l) => l.corridor.cells).sort()).toEqual([c7, [...c7].reverse()].sort());
    expect(learned.every((l) => l.support === 12)).toBe(true);
    for (const l of learned) {
      expect(l.corridor.id).toMatch(/^L[0-9a-f]{8}$/);
      expect(l.corridor.geometry.coordinates).toHaveLength(7);
      expect(l.corridor.entriesM[0]).toBe(0);
    }
  });
});

describe('slowdown alerts', () => {
  it('opens on a planted slowdown and resolves when traffic recovers', () => {
    const hops: Hop[] = [];
    const speeds = [80, 80, 25, 20, 80];
    speeds.forEach((v, bin) => {
      for (let i = 0; i < 6; i++) hops.push(...drive(`b${bin}d${i}`, v, T0 + bin * 300_000 + i * 1_000));
    });
    const bins = corridorBins(corridor!, hops, cfg);
    const alerts = detectSlowdowns(bins, cfg);
    expect(alerts.map((a) => [a.state, (a.binStart - T0) / 300_000, a.seq])).toEqual([['open', 2, 0], ['resolved', 4, 1]]);
    expect(alerts[0]!.alertId).toBe(alerts[1]!.alertId);
    expect(alerts[0]!.congestion).toBeCloseTo(1 - 25 / 90, 6);
  });
});

describe('corridors file', () => {
  it('names the corridor and the field that is wrong', () => {
    expect(() => parseCorridors({ corridors: [{ id: 'a', cells: CELLS.slice(0, 2) }] })).toThrow(/corridor 1 \(a\): needs at least 3 cells/);
    expect(() => parseCorridors({ corridors: [{ id: 'a', cells: ['nope', 'x', 'y'] }] })).toThrow(/"cells" must be H3/);
    expect(() => parseCorridors({ corridors: [{ id: 'a', cells: CELLS, entries_m: [0, 1] }] })).toThrow(/entries_m/);
    expect(() => parseCorridors({ foo: 1 })).toThrow(/expected/);
    const fc = parseCorridors({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'g', cells: CELLS.join(',') }, geometry: { type: 'LineString', coordinates: [[9.15, 45.46], [9.18, 45.46]] } }] });
    expect(fc[0]!.cells).toEqual(CELLS);
    expect(fc[0]!.geometry.coordinates).toHaveLength(2);
  });
});

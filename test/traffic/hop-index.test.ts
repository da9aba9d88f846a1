import { gridPathCells, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { corridorBins, corridorDeviceSpeeds } from '../../src/traffic/engine/corridor-bins.ts';
import type { Hop } from '../../src/traffic/engine/hop.ts';
import { HopIndex } from '../../src/traffic/engine/hop-index.ts';
import { parseCorridors } from '../../src/traffic/engine/parse-corridors.ts';
import { resolveTrafficConfig } from '../../src/traffic/engine/traffic-config.ts';
import { vehicleHours } from '../../src/traffic/engine/vehicle-hours.ts';
import { mulberry32 } from '../support/mulberry32.ts';

const T0 = Date.UTC(2026, 2, 2, 8, 0);
/** Six cells in a row west to east, and two cells off the corridor. */
const CELLS = gridPathCells(latLngToCell(45.46, 9.15, 9), latLngToCell(45.46, 9.23, 9)).filter((_, i) => i % 2 === 0).slice(0, 6);
const OFF = [latLngToCell(45.48, 9.17, 9), latLngToCell(45.44, 9.19, 9)];
const [corridor] = parseCorridors({ corridors: [{ id: 'east', cells: CELLS, entries_m: [0, 500, 1000, 1500, 2000, 2500], length_m: 2500 }] });

describe('HopIndex.alongCorridor', () => {
  it('keeps exactly the hops that run along the corridor, in corridor-cell then input order', () => {
    const [a, b, c, d] = CELLS;
    const hops: Hop[] = [
      { device: 'x', prev: b!, h3: c!, next: d!, enterTs: T0, exitTs: T0 + 30_000 }, // along
      { device: 'x', prev: a!, h3: b!, next: c!, enterTs: T0 + 1, exitTs: T0 + 30_000 }, // along, earlier cell
      { device: 'y', prev: a!, h3: c!, next: CELLS[4]!, enterTs: T0 + 2, exitTs: T0 + 30_000 }, // skips one cell each side: along
      { device: 'z', prev: d!, h3: c!, next: b!, enterTs: T0 + 3, exitTs: T0 + 30_000 }, // the other direction
      { device: 'p', prev: b!, h3: c!, next: b!, enterTs: T0 + 4, exitTs: T0 + 30_000 }, // ping-pong
      { device: 'o', prev: OFF[0]!, h3: c!, next: d!, enterTs: T0 + 5, exitTs: T0 + 30_000 }, // enters from off the corridor
      { device: 'j', prev: a!, h3: d!, next: CELLS[4]!, enterTs: T0 + 6, exitTs: T0 + 30_000 }, // jumps three positions
    ];
    expect(new HopIndex(hops).alongCorridor(corridor!)).toEqual([hops[1], hops[0], hops[2]]);
  });

  it('gives the same device speeds and bins as every hop through the corridor cells (random traffic, 5 and 15 min)', () => {
    const rnd = mulberry32(15);
    const cells = [...CELLS, ...OFF];
    const pick = () => cells[Math.floor(rnd() * cells.length)]!;
    const hops: Hop[] = [];
    for (let i = 0; i < 4_000; i++) {
      const enterTs = T0 + Math.floor(rnd() * 7_200_000);
      hops.push({ device: `d${Math.floor(rnd() * 60)}`, prev: pick(), h3: pick(), next: pick(), enterTs, exitTs: enterTs + Math.floor(rnd() * 120_000) });
    }
    // Drivers along the corridor, so that bins have speeds.
    for (let i = 0; i < 300; i++) {
      const enterTs = T0 + Math.floor(rnd() * 7_200_000), k = 1 + Math.floor(rnd() * 4);
      hops.push({ device: `d${Math.floor(rnd() * 60)}`, prev: CELLS[k - 1]!, h3: CELLS[k]!, next: CELLS[k + 1]!, enterTs, exitTs: enterTs + 10_000 + Math.floor(rnd() * 100_000) });
    }
    hops.sort((x, y) => x.enterTs - y.enterTs);
    const along = new HopIndex(hops).alongCorridor(corridor!);
    // What the index gave before: every hop crossing a corridor cell, cell by cell (same summation order).
    const through = CELLS.flatMap((cell) => hops.filter((h) => h.h3 === cell));
    expect(along.length).toBeGreaterThan(300);
    expect(along.length).toBeLessThan(through.length / 2);
    const vehicle = vehicleHours(hops, 16);
    for (const binMs of [300_000, 900_000]) {
      const cfg = resolveTrafficConfig({ binMs });
      expect(corridorDeviceSpeeds(corridor!, along, binMs)).toEqual(corridorDeviceSpeeds(corridor!, through, binMs));
      const bins = corridorBins(corridor!, along, cfg, 1, vehicle);
      expect(bins.some((x) => x.speedKmh !== null)).toBe(true);
      expect(bins).toEqual(corridorBins(corridor!, through, cfg, 1, vehicle));
    }
  });
});

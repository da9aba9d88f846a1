import { isValidCell } from 'h3-js';
import type { LineString } from 'geojson';
import type { Corridor } from './corridor.ts';
import { corridorFromCells } from './corridor-from-cells.ts';

interface CorridorSpec {
  id?: unknown;
  cells?: unknown;
  entries_m?: unknown;
  length_m?: unknown;
  free_flow_kmh?: unknown;
  geometry?: unknown;
}

/**
 * Reads declared corridors (the `--corridors FILE` format, docs/traffic.md) from parsed JSON:
 *
 * - `{ "corridors": [ { "id": "A4-in", "cells": ["891f…", …], "entries_m"?: [0, 410, …],
 *   "length_m"?: 3820, "free_flow_kmh"?: 60, "geometry"?: LineString }, … ] }`, or
 * - a GeoJSON FeatureCollection of LineString features whose properties hold `id`, `cells` (array
 *   or comma-separated) and optionally `entries_m`, `length_m`, `free_flow_kmh`.
 *
 * Cells are H3 indexes (hex) at the base resolution, in driving order, at least 3, no repeats.
 * Without `entries_m` a vehicle enters each cell at the midpoint between cell centres; without
 * `geometry` the line runs through the cell centres. Throws a RangeError naming the corridor.
 */
export function parseCorridors(json: unknown): Corridor[] {
  const o = json as { type?: unknown; corridors?: unknown; features?: unknown };
  let specs: CorridorSpec[];
  if (o && o.type === 'FeatureCollection' && Array.isArray(o.features)) {
    specs = (o.features as { properties?: Record<string, unknown>; geometry?: unknown }[]).map((f) => ({ ...(f.properties ?? {}), geometry: f.geometry }));
  } else if (o && Array.isArray(o.corridors)) specs = o.corridors as CorridorSpec[];
  else throw new RangeError('expected {"corridors": [...]} or a GeoJSON FeatureCollection of LineStrings');
  const ids = new Set<string>();
  return specs.map((s, i) => {
    const where = `corridor ${i + 1}${typeof s.id === 'string' ? ` (${s.id})` : ''}`;
    if (typeof s.id !== 'string' || s.id === '') throw new RangeError(`${where}: "id" must be a non-empty string`);
    if (ids.has(s.id)) throw new RangeError(`${where}: duplicate id`);
    ids.add(s.id);
    const cells = typeof s.cells === 'string' ? s.cells.split(',').map((c) => c.trim()) : s.cells;
    if (!Array.isArray(cells) || cells.some((c) => typeof c !== 'string' || !isValidCell(c))) throw new RangeError(`${where}: "cells" must be H3 cell indexes (hex)`);
    const ff = s.free_flow_kmh;
    if (ff !== undefined && !(typeof ff === 'number' && ff > 0)) throw new RangeError(`${where}: "free_flow_kmh" must be a positive number`);
    let c: Corridor;
    try {
      c = corridorFromCells(s.id, cells as string[], 'declared', (ff as number | undefined) ?? null);
    } catch (err) {
      throw new RangeError(`${where}: ${(err as Error).message.replace(/^corridor [^:]*: /, '')}`);
    }
    if (s.entries_m !== undefined) {
      const e = s.entries_m;
      if (!Array.isArray(e) || e.length !== cells.length || e.some((x, j) => typeof x !== 'number' || (j > 0 && !(x > (e[j - 1] as number))))) {
        throw new RangeError(`${where}: "entries_m" must be increasing numbers, one per cell`);
      }
      c = { ...c, entriesM: e as number[] };
    }
    if (s.length_m !== undefined) {
      if (!(typeof s.length_m === 'number' && s.length_m > 0)) throw new RangeError(`${where}: "length_m" must be a positive number`);
      c = { ...c, lengthM: s.length_m };
    }
    if (s.geometry !== undefined) {
      const g = s.geometry as LineString;
      if (!g || g.type !== 'LineString' || !Array.isArray(g.coordinates) || g.coordinates.length < 2) throw new RangeError(`${where}: "geometry" must be a GeoJSON LineString`);
      c = { ...c, geometry: g };
    }
    return c;
  });
}

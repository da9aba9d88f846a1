import { kinks } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { cellArea } from 'h3-js';
import { ALERT_LEVELS, type AlertLevel } from '../../../schemas/alert.ts';
import { DEFAULT_LEVELS, mergeThresholds } from '../engine/level-thresholds.ts';
import { areaCells } from './area-cells.ts';
import { AreaError } from './area-error.ts';
import type { WatchedArea } from '../engine/watched-area.ts';

/** Options of {@link parseAreas}. */
export interface ParseAreasOptions {
  /** H3 resolution of the cells: the pipeline's base resolution. Default 9. */
  resolution?: number;
  /** Named in error messages (usually the file path). */
  source?: string;
}

/**
 * Reads watched areas from a parsed GeoJSON FeatureCollection (or a single Feature) of Polygon /
 * MultiPolygon features with properties:
 *
 * - `id` (string or number; else the feature's GeoJSON `id`) — required, unique;
 * - `name` (string; default the id);
 * - `capacity` — people, integer ≥ 1, required;
 * - `levels` — optional `{ notice?, warning?, critical? }` fractions of capacity (e.g. `0.8`), merged
 *   over the defaults 0.6 / 0.8 / 1.0 and strictly ascending;
 * - `scale` — optional people per present device (> 0), overriding the global factor;
 * - `density_limit` — optional people/km² (> 0) enabling density alerts for the area.
 *
 * Polygons become H3 cells by cell-centre containment ({@link areaCells}). Throws an
 * {@link AreaError} naming the feature (index and id) and the problem.
 */
export function parseAreas(input: unknown, options: ParseAreasOptions = {}): WatchedArea[] {
  const res = options.resolution ?? 9;
  const source = options.source;
  if (!Number.isInteger(res) || res < 0 || res > 15) throw new AreaError(`resolution must be an integer 0–15, got ${res}`, { source });
  const features = featuresOf(input, source);
  const seen = new Map<string, number>();
  const areas: WatchedArea[] = [];
  features.forEach((f, i) => {
    const fail: (msg: string, id?: string | null) => never = (msg, id = null) => {
      throw new AreaError(msg, { featureIndex: i, featureId: id, source });
    };
    if (!isObject(f) || f.type !== 'Feature') fail(`not a GeoJSON Feature (type ${describe(isObject(f) ? f.type : f)})`);
    const feature = f as unknown as Feature;
    const props: Record<string, unknown> = isObject(feature.properties) ? feature.properties : {};
    const rawId = props.id ?? feature.id;
    const id = typeof rawId === 'string' ? rawId.trim() : typeof rawId === 'number' && Number.isFinite(rawId) ? String(rawId) : '';
    if (id === '') fail('missing id: give every feature a non-empty "id" property');
    const prev = seen.get(id);
    if (prev !== undefined) fail(`duplicate id (also feature ${prev})`, id);
    seen.set(id, i);
    const g = feature.geometry as Polygon | MultiPolygon | null;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) fail(`geometry must be Polygon or MultiPolygon, got ${describe((feature.geometry as { type?: unknown } | null)?.type ?? null)}`, id);
    const geomProblem = checkGeometry(g);
    if (geomProblem) fail(geomProblem, id);

    const name = props.name === undefined || props.name === null ? id : typeof props.name === 'string' ? props.name : fail('"name" must be a string', id);
    const capacity = props.capacity;
    if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 1) fail(`"capacity" must be an integer number of people ≥ 1, got ${describe(capacity)}`, id);
    const area: WatchedArea = { id, name, capacity: capacity as number, cells: [], resolution: res, areaKm2: 0, centroidFallback: false };

    if (props.levels !== undefined && props.levels !== null) {
      const lv = props.levels;
      if (!isObject(lv)) fail('"levels" must be an object like {"notice": 0.6, "warning": 0.8, "critical": 1.0}', id);
      const levels: Partial<Record<AlertLevel, number>> = {};
      for (const [k, v] of Object.entries(lv as Record<string, unknown>)) {
        if (!(ALERT_LEVELS as readonly string[]).includes(k)) fail(`"levels" has unknown key "${k}" (use ${ALERT_LEVELS.join(', ')})`, id);
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 10) {
          fail(`"levels.${k}" must be a fraction of capacity > 0 (e.g. 0.8 for 80 %), got ${describe(v)}`, id);
        }
        levels[k as AlertLevel] = v as number;
      }
      try {
        mergeThresholds(DEFAULT_LEVELS, levels, '"levels"');
      } catch (err) {
        fail((err as Error).message, id);
      }
      area.levels = levels;
    }
    if (props.scale !== undefined && props.scale !== null) {
      if (!positive(props.scale)) fail(`"scale" (people per device) must be a number > 0, got ${describe(props.scale)}`, id);
      area.scale = props.scale as number;
    }
    if (props.density_limit !== undefined && props.density_limit !== null) {
      if (!positive(props.density_limit)) fail(`"density_limit" (people/km²) must be a number > 0, got ${describe(props.density_limit)}`, id);
      area.densityLimit = props.density_limit as number;
    }
    let cells: { cells: string[]; centroidFallback: boolean };
    try {
      cells = areaCells(g!, res);
    } catch (err) {
      return fail(`cannot compute H3 cells: ${(err as Error).message}`, id);
    }
    area.cells = cells.cells;
    area.centroidFallback = cells.centroidFallback;
    area.areaKm2 = cells.cells.reduce((s, c) => s + cellArea(c, 'km2'), 0);
    areas.push(area);
  });
  return areas;
}

function featuresOf(input: unknown, source: string | undefined): unknown[] {
  if (!isObject(input)) throw new AreaError(`expected a GeoJSON FeatureCollection, got ${describe(input)}`, { source });
  if (input.type === 'Feature') return [input];
  if (input.type !== 'FeatureCollection' || !Array.isArray(input.features)) {
    throw new AreaError(`expected a GeoJSON FeatureCollection with a "features" array, got type ${describe(input.type)}`, { source });
  }
  if (input.features.length === 0) throw new AreaError('the FeatureCollection has no features', { source });
  return input.features;
}

/** A message for the first problem of the geometry, or null. */
function checkGeometry(g: Polygon | MultiPolygon): string | null {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  if (!Array.isArray(polys) || polys.length === 0) return 'geometry has no coordinates';
  for (let p = 0; p < polys.length; p++) {
    const rings = polys[p];
    const where = g.type === 'MultiPolygon' ? `polygon ${p} ` : '';
    if (!Array.isArray(rings) || rings.length === 0) return `${where}has no rings`;
    for (let r = 0; r < rings.length; r++) {
      const ring = rings[r];
      const rw = `${where}ring ${r}`;
      if (!Array.isArray(ring) || ring.length < 4) return `${rw} needs at least 4 positions (closed), got ${Array.isArray(ring) ? ring.length : describe(ring)}`;
      for (let k = 0; k < ring.length; k++) {
        const pos = ring[k];
        if (!Array.isArray(pos) || typeof pos[0] !== 'number' || typeof pos[1] !== 'number' || !Number.isFinite(pos[0]) || !Number.isFinite(pos[1])) {
          return `${rw} position ${k} is not [lon, lat]`;
        }
        if (Math.abs(pos[0]) > 180 || Math.abs(pos[1]) > 90) return `${rw} position ${k} [${pos[0]}, ${pos[1]}] is out of range (GeoJSON is [lon, lat] in degrees)`;
      }
      const a = ring[0]!;
      const b = ring[ring.length - 1]!;
      if (a[0] !== b[0] || a[1] !== b[1]) return `${rw} is not closed (first position ≠ last)`;
    }
  }
  const k = kinks(g.type === 'Polygon' ? { type: 'Polygon', coordinates: g.coordinates } : g);
  if (k.features.length > 0) {
    const [x, y] = k.features[0]!.geometry.coordinates;
    return `polygon crosses itself near [${x!.toFixed(6)}, ${y!.toFixed(6)}]`;
  }
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function positive(v: unknown): boolean {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return String(v);
}

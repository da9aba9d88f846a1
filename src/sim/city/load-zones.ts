import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { LocalFrame } from '../geo/local-frame.ts';
import { MetricPolygon } from '../geo/metric-polygon.ts';
import { Rng } from '../rng.ts';
import type { VenueKind, Zone } from './zone.ts';

/** Points kept per zone as shops, offices, bars… */
const PLACES_PER_ZONE = 96;

/** The zones of a city and the metric frame they were projected to. */
export interface LoadedZones {
  frame: LocalFrame;
  zones: Zone[];
}

/**
 * Reads a FeatureCollection of Polygon/MultiPolygon zones. The frame origin is the centre of the zones'
 * bounding box, taken as the city centre. Weights: a numeric `population` (or `POP`, `pop`, `residents`)
 * property is used as is; otherwise residents ∝ area × a density falling with distance from the centre
 * (parks, named `parco`/`park`, get a tenth). Jobs concentrate further towards the centre; leisure
 * follows jobs and residents.
 */
export function loadZones(fc: FeatureCollection, seed: number): LoadedZones {
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    throw new TypeError('zones: expected a GeoJSON FeatureCollection');
  }
  if (fc.features.length === 0) throw new RangeError('zones: the FeatureCollection has no features');
  let minLon = Infinity, minLat = Infinity, maxLon = -Infinity, maxLat = -Infinity;
  const geoms = fc.features.map((f, i) => {
    const g = f.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) {
      throw new TypeError(`zones: feature ${i} is a ${g?.type ?? 'null geometry'}, expected Polygon or MultiPolygon`);
    }
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const p of polys) for (const [lon, lat] of p[0] ?? []) {
      if (!(Math.abs(lat!) <= 90 && Math.abs(lon!) <= 180)) throw new RangeError(`zones: feature ${i} has coordinates out of range`);
      minLon = Math.min(minLon, lon!);
      maxLon = Math.max(maxLon, lon!);
      minLat = Math.min(minLat, lat!);
      maxLat = Math.max(maxLat, lat!);
    }
    return g as Polygon | MultiPolygon;
  });
  const frame = new LocalFrame((minLat + maxLat) / 2, (minLon + maxLon) / 2);
  const rng = Rng.seeded(seed, 0x201e);
  const seen = new Set<string>();
  const raw = fc.features.map((f, i) => {
    const p = (f.properties ?? {}) as Record<string, unknown>;
    const id = String(f.id ?? p.id ?? p.ID ?? p.ID_NIL ?? p.zone_id ?? i + 1);
    if (seen.has(id)) throw new RangeError(`zones: duplicate zone id "${id}" (feature ${i})`);
    seen.add(id);
    const name = String(p.name ?? p.NAME ?? p.NIL ?? p.nome ?? id);
    const shape = new MetricPolygon(geoms[i]!, frame);
    if (shape.area <= 0) throw new RangeError(`zones: zone "${id}" has no area`);
    const dist = Math.hypot(shape.cx, shape.cy);
    const park = /\bparco\b|\bpark\b/i.test(name) ? 0.1 : 1;
    const given = [p.population, p.POP, p.pop, p.residents].find((v) => typeof v === 'number' && v >= 0) as number | undefined;
    const areaKm2 = shape.area / 1e6;
    const residents = given ?? areaKm2 * (0.15 + Math.exp(-dist / 4_000)) * park;
    const jobs = (given === undefined ? areaKm2 * park : residents) * (0.1 + 2.5 * Math.exp(-dist / 2_500));
    const leisure = 0.3 * residents + jobs + areaKm2 * (1 - park) * 0.3;
    const venue = p.venue === 'stadium' || p.venue === 'square' ? (p.venue as VenueKind) : undefined;
    return { id, name, polygon: geoms[i]!, shape, residents, jobs, leisure, venue };
  });
  const sum = (k: 'residents' | 'jobs' | 'leisure') => raw.reduce((s, z) => s + z[k], 0) || 1;
  const total = { residents: sum('residents'), jobs: sum('jobs'), leisure: sum('leisure') };
  const zones = raw.map((z): Zone => ({
    id: z.id,
    name: z.name,
    polygon: z.polygon,
    weight: z.residents / total.residents,
    jobs: z.jobs / total.jobs,
    leisure: z.leisure / total.leisure,
    ...(z.venue ? { venue: z.venue } : {}),
    center: { lat: frame.lat(z.shape.cy), lon: frame.lon(z.shape.cx) },
    areaM2: z.shape.area,
    shape: z.shape,
    places: samplePlaces(z.shape, rng),
  }));
  return { frame, zones };
}

function samplePlaces(shape: MetricPolygon, rng: Rng): Float64Array {
  const out = new Float64Array(PLACES_PER_ZONE * 2);
  let n = 0;
  for (let tries = 0; n < PLACES_PER_ZONE && tries < PLACES_PER_ZONE * 200; tries++) {
    const x = rng.range(shape.minX, shape.maxX), y = rng.range(shape.minY, shape.maxY);
    if (shape.contains(x, y)) {
      out[2 * n] = x;
      out[2 * n + 1] = y;
      n++;
    }
  }
  if (n === 0) throw new RangeError('zones: could not place a point inside a zone (degenerate polygon?)');
  // A sliver zone that rejected most samples reuses the points found.
  for (let i = n; i < PLACES_PER_ZONE; i++) {
    out[2 * i] = out[2 * (i % n)]!;
    out[2 * i + 1] = out[2 * (i % n) + 1]!;
  }
  return out;
}

import type { Feature, FeatureCollection, Polygon, Position } from 'geojson';
import { LocalFrame } from '../geo/local-frame.ts';
import { Rng } from '../rng.ts';

interface Ring {
  label: string;
  inner: number;
  outer: number;
  sectors: number;
}

const RINGS: Ring[] = [
  { label: 'Centro', inner: 0, outer: 1_200, sectors: 4 },
  { label: 'Semicentro', inner: 1_200, outer: 3_500, sectors: 8 },
  { label: 'Periferia', inner: 3_500, outer: 6_500, sectors: 12 },
  { label: 'Hinterland', inner: 6_500, outer: 11_000, sectors: 12 },
];

/**
 * Generates a synthetic city around `center` from `seed`: a dense centre (4 zones), a ring of 8 inner
 * districts, 12 outer districts and 12 suburbs, plus two carved-out venue zones (a square near the
 * centre, a stadium in the outer ring). Returns WGS84 GeoJSON; property `venue` marks the venues and
 * `population: 0` says nobody lives there.
 */
export function generateZones(seed: number, center: { lat: number; lon: number }): FeatureCollection<Polygon> {
  const rng = Rng.seeded(seed, 0x20e5);
  const frame = new LocalFrame(center.lat, center.lon);
  const toLonLat = (x: number, y: number): Position => [round6(frame.lon(x)), round6(frame.lat(y))];
  const rotation = rng.range(0, 2 * Math.PI);
  const features: Feature<Polygon>[] = [];
  let id = 1;
  const radiusJitter = RINGS.map(() => rng.range(0.93, 1.07));
  const stadiumSector = rng.int(RINGS[2]!.sectors);
  for (let r = 0; r < RINGS.length; r++) {
    const ring = RINGS[r]!;
    const inner = ring.inner * (r > 0 ? radiusJitter[r - 1]! : 1);
    const outer = ring.outer * radiusJitter[r]!;
    const width = (2 * Math.PI) / ring.sectors;
    const offset = rotation + (r % 2) * width * 0.5;
    for (let s = 0; s < ring.sectors; s++) {
      const a0 = offset + s * width;
      const a1 = a0 + width;
      const outline = sector(inner, outer, a0, a1).map(([x, y]) => toLonLat(x, y));
      const rings = [outline];
      const mid = (a0 + a1) / 2;
      // Carve the venues out of one sector each, so the zones stay a partition of the city.
      const venue = r === 0 && s === 0 ? { kind: 'square', dist: 550, radius: 130, name: 'Piazza' }
        : r === 2 && s === stadiumSector ? { kind: 'stadium', dist: (inner + outer) / 2, radius: 320, name: 'Stadio' }
        : null;
      if (venue) {
        const vx = venue.dist * Math.sin(mid), vy = venue.dist * Math.cos(mid);
        const disc = circle(vx, vy, venue.radius).map(([x, y]) => toLonLat(x, y));
        rings.push([...disc].reverse());
        features.push({
          type: 'Feature',
          properties: { id: `Z${String(id).padStart(2, '0')}`, name: venue.name, venue: venue.kind, population: 0 },
          geometry: { type: 'Polygon', coordinates: [disc] },
        });
        id++;
      }
      features.push({
        type: 'Feature',
        properties: { id: `Z${String(id).padStart(2, '0')}`, name: `${ring.label} ${s + 1}` },
        geometry: { type: 'Polygon', coordinates: rings },
      });
      id++;
    }
  }
  return { type: 'FeatureCollection', features };
}

/** Counter-clockwise outline of an annular sector (a pie slice when `inner` is 0), metres. */
function sector(inner: number, outer: number, a0: number, a1: number): [number, number][] {
  const steps = Math.max(2, Math.ceil((a1 - a0) / (Math.PI / 60)));
  const pts: [number, number][] = [];
  // Angles run clockwise from north (compass bearings); walk the outer arc backwards for a CCW ring.
  for (let i = steps; i >= 0; i--) {
    const a = a0 + ((a1 - a0) * i) / steps;
    pts.push([outer * Math.sin(a), outer * Math.cos(a)]);
  }
  if (inner > 0) {
    for (let i = 0; i <= steps; i++) {
      const a = a0 + ((a1 - a0) * i) / steps;
      pts.push([inner * Math.sin(a), inner * Math.cos(a)]);
    }
  } else pts.push([0, 0]);
  pts.push(pts[0]!);
  return pts;
}

/** Counter-clockwise 32-gon, metres. */
function circle(cx: number, cy: number, r: number): [number, number][] {
  const pts: [number, number][] = [];
  for (let i = 0; i <= 32; i++) {
    const a = (2 * Math.PI * (i % 32)) / 32;
    pts.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  return pts;
}

function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

import type { LocalFrame } from '../geo/local-frame.ts';
import { Rng } from '../rng.ts';
import type { CellSite } from './cell-site.ts';
import { SiteIndex } from './site-index.ts';
import type { Zone } from './zone.ts';

/** Site spacing in the centre, metres; it grows with distance up to {@link MAX_SPACING}. */
const BASE_SPACING = 350;
const MAX_SPACING = 1_500;
const MARGIN = 1_000;
const LAC_SIZE = 4_000;

/** Where and when the radio plan changes. */
export interface CellPlan {
  sites: CellSite[];
  /** Epoch ms of each re-plan, ascending. */
  replanTimes: number[];
}

/**
 * Places cell sites over the zones' bounding box, denser where people are (spacing 350 m in the centre
 * growing to 1.5 km in the suburbs), three sectors each. A few central sites (1 %, 2–8) are re-planned
 * around the middle of the simulated period: their cells keep their ids and move 350–600 m.
 */
export function planCellSites(zones: Zone[], frame: LocalFrame, seed: number, start: number, end: number): CellPlan {
  const rng = Rng.seeded(seed, 0xce11);
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const z of zones) {
    minX = Math.min(minX, z.shape.minX);
    minY = Math.min(minY, z.shape.minY);
    maxX = Math.max(maxX, z.shape.maxX);
    maxY = Math.max(maxY, z.shape.maxY);
  }
  minX -= MARGIN, minY -= MARGIN, maxX += MARGIN, maxY += MARGIN;
  const pts: { x: number; y: number }[] = [];
  for (let gy = minY; gy <= maxY; gy += BASE_SPACING) {
    for (let gx = minX; gx <= maxX; gx += BASE_SPACING) {
      const x = gx + rng.range(-0.4, 0.4) * BASE_SPACING;
      const y = gy + rng.range(-0.4, 0.4) * BASE_SPACING;
      const spacing = Math.min(MAX_SPACING, BASE_SPACING * (1 + Math.hypot(x, y) / 3_000));
      if (rng.chance((BASE_SPACING / spacing) ** 2)) pts.push({ x, y });
    }
  }
  if (pts.length < 2) pts.push({ x: minX, y: minY }, { x: maxX, y: maxY });
  const lacs = new Map<string, number>();
  const sites: CellSite[] = pts.map((p, i) => {
    const key = `${Math.floor(p.x / LAC_SIZE)},${Math.floor(p.y / LAC_SIZE)}`;
    let lac = lacs.get(key);
    if (lac === undefined) lacs.set(key, (lac = 1001 + lacs.size));
    const a0 = Math.round(rng.range(0, 120));
    const ci = (s: number) => `222-01-${lac}-${(i + 1) * 10 + s}`;
    return {
      id: `S${String(i + 1).padStart(4, '0')}`,
      lac,
      ...located(frame, p.x, p.y),
      azimuths: [a0, a0 + 120, a0 + 240] as const,
      cellIds: [ci(1), ci(2), ci(3)] as const,
      rangeM: 0,
      validFrom: -Infinity,
      validTo: Infinity,
    };
  });
  // Re-plan a few central sites half-way through, 15 minutes apart.
  const central = sites
    .map((s, i) => ({ i, d: Math.hypot(s.x, s.y) + rng.range(0, 1_500) }))
    .sort((a, b) => a.d - b.d);
  const count = Math.min(sites.length - 1, Math.max(2, Math.min(8, Math.round(sites.length / 100))));
  const mid = start + Math.floor((end - start) / 2 / 3_600_000) * 3_600_000;
  const replanTimes: number[] = [];
  for (let k = 0; k < count; k++) {
    const old = sites[central[k]!.i]!;
    const at = Math.min(end - 60_000, mid + k * 900_000);
    const bearing = rng.range(0, 2 * Math.PI), dist = rng.range(350, 600);
    sites.push({ ...old, ...located(frame, old.x + dist * Math.sin(bearing), old.y + dist * Math.cos(bearing)), validFrom: at });
    old.validTo = at;
    replanTimes.push(at);
  }
  setRanges(sites, minX, minY, maxX, maxY, [start, end - 1]);
  return { sites, replanTimes: replanTimes.sort((a, b) => a - b) };
}

/**
 * Sets each site's nominal range to cover every point it is the nearest site for (sampled on a
 * 100 m grid before and after the re-plans), plus a margin: "nearest site within range" then always exists.
 */
function setRanges(sites: CellSite[], minX: number, minY: number, maxX: number, maxY: number, epochs: number[]): void {
  const index = new SiteIndex(sites);
  const reach = new Float64Array(sites.length);
  for (const t of epochs) {
    for (let y = minY; y <= maxY; y += 100) {
      for (let x = minX; x <= maxX; x += 100) {
        const i = index.nearest(x, y, t);
        if (i >= 0) reach[i] = Math.max(reach[i]!, Math.hypot(sites[i]!.x - x, sites[i]!.y - y));
      }
    }
  }
  sites.forEach((s, i) => (s.rangeM = Math.round(Math.max(800, reach[i]! * 1.2 + 150) / 10) * 10));
}

function located(frame: LocalFrame, x: number, y: number) {
  const lat = Math.round(frame.lat(y) * 1e6) / 1e6, lon = Math.round(frame.lon(x) * 1e6) / 1e6;
  // Keep the metric position exactly where the written lat/lon says, so the truth and the table agree.
  return { x: frame.x(lon), y: frame.y(lat), lat, lon };
}

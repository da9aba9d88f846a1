import { latLngToCell } from 'h3-js';
import { AT_RES, SECTOR_CENTROID_FACTOR, type CellVersion } from '../../schemas/events.ts';

export const M_PER_DEG = 111_195;
const RINGS = 12;
const BEARINGS = 36;

/** A cell site version in a flat metric frame, with the azimuths of its sectored cells. */
export interface Site {
  lat: number;
  lon: number;
  x: number;
  y: number;
  from: number;
  to: number;
  /** Distinct azimuths of the site's sectored cells, radians. */
  azimuths: number[];
}

/**
 * Where each sectored cell's served area is centred, as an H3 cell at {@link AT_RES} (undefined
 * for omni cells: no azimuth or no range). The best-server model: a point belongs to the nearest site
 * valid at the same time (the Voronoi cell of the site), and within the site to the sector whose
 * azimuth is nearest its bearing (±60° for a lone sector); the served area is cut at the cell's
 * `range_m`. Its centroid is estimated on a polar grid (12 rings × 36 bearings, area-weighted). When
 * nothing is served (no point passes), the sector sits {@link SECTOR_CENTROID_FACTOR} × range along
 * the azimuth. Result indices follow `versions`.
 */
export function sectorCentres(versions: readonly CellVersion[]): (string | undefined)[] {
  const { siteOf, maxRange, buckets } = siteModel(versions);
  const rivalsOf = new Map<Site, { sites: Site[]; dist: number[] }>();
  return versions.map((v, i) => {
    const s = siteOf[i];
    if (!s) return undefined;
    const r = v.rangeM!, az = (v.azimuthDeg! * Math.PI) / 180;
    let rv = rivalsOf.get(s);
    if (!rv) rivalsOf.set(s, (rv = rivals(s, maxRange.get(s)!, buckets)));
    const { sites: rivalSites, dist: rivalDist } = rv;
    let w = 0, sx = 0, sy = 0;
    sampleSector(s, az, r, RINGS, BEARINGS, (px, py, d) => {
      // Only a site closer than 2d to the mast can be nearer to a point d from it (sorted: stop there).
      for (let j = 0; j < rivalSites.length && rivalDist[j]! < 2 * d; j++) {
        const c = rivalSites[j]!;
        if (Math.hypot(c.x - px, c.y - py) < d) return false;
      }
      w += d;
      sx += d * (px - s.x);
      sy += d * (py - s.y);
      return true;
    });
    const [ex, ey] = w > 0 ? [sx / w, sy / w] : [SECTOR_CENTROID_FACTOR * r * Math.sin(az), SECTOR_CENTROID_FACTOR * r * Math.cos(az)];
    const lat = s.lat + ey / M_PER_DEG;
    const lon = s.lon + ex / (M_PER_DEG * Math.cos((s.lat * Math.PI) / 180));
    return latLngToCell(lat, lon, AT_RES);
  });
}

/**
 * Visits a polar grid over the sector of azimuth `az` (radians) of site `s` cut at range `r`: `rings`
 * rings × `bearings` bearings, the bearings the site's sector owns ({@link ownSector}), each ray from
 * the mast outwards. `visit(px, py, d)` gets a sample point (metres, frame of `s`) at distance `d`
 * from the mast — its area weight is ∝ d — and returns false when the point lies outside the site's
 * Voronoi cell: a Voronoi cell is convex and holds its site, so the rest of the ray is skipped.
 */
export function sampleSector(s: Site, az: number, r: number, rings: number, bearings: number, visit: (px: number, py: number, d: number) => boolean): void {
  for (let a = 0; a < bearings; a++) {
    const b = ((a + 0.5) * 2 * Math.PI) / bearings;
    if (!ownSector(b, az, s.azimuths)) continue;
    const sin = Math.sin(b), cos = Math.cos(b);
    for (let q = 0; q < rings; q++) {
      const d = (r * (q + 0.5)) / rings;
      if (!visit(s.x + d * sin, s.y + d * cos, d)) break;
    }
  }
}

/** The sites of a cell table in a flat metric frame, indexed for the best-server model. */
export interface SiteModel {
  /** The site of each version (index as in `versions`), undefined for omni cells. */
  siteOf: (Site | undefined)[];
  /** Largest `range_m` of each sectored site. */
  maxRange: Map<Site, number>;
  /** Every site (omni ones included) by square bucket. */
  buckets: Buckets;
  /** Metres per degree of longitude in the frame. */
  kx: number;
}

/** Builds the {@link SiteModel} of `versions`: one site per (position, validity), omni sites competing too. */
export function siteModel(versions: readonly CellVersion[]): SiteModel {
  const sites = new Map<string, Site>();
  const siteOf: (Site | undefined)[] = [];
  const lat0 = versions.length ? versions.reduce((a, v) => a + v.lat, 0) / versions.length : 0;
  const kx = M_PER_DEG * Math.cos((lat0 * Math.PI) / 180);
  for (const v of versions) {
    if (v.azimuthDeg === undefined || v.rangeM === undefined || !(v.rangeM > 0)) {
      siteOf.push(undefined);
      continue;
    }
    const key = `${v.lat},${v.lon},${v.validFrom},${v.validTo}`;
    let s = sites.get(key);
    if (!s) sites.set(key, (s = { lat: v.lat, lon: v.lon, x: v.lon * kx, y: v.lat * M_PER_DEG, from: v.validFrom, to: v.validTo, azimuths: [] }));
    const az = (v.azimuthDeg * Math.PI) / 180;
    if (!s.azimuths.includes(az)) s.azimuths.push(az); // several bands on one azimuth: one sector
    siteOf.push(s);
  }
  // Omni cells' sites compete for points too.
  for (const v of versions) {
    const key = `${v.lat},${v.lon},${v.validFrom},${v.validTo}`;
    if (!sites.has(key)) sites.set(key, { lat: v.lat, lon: v.lon, x: v.lon * kx, y: v.lat * M_PER_DEG, from: v.validFrom, to: v.validTo, azimuths: [] });
  }
  const maxRange = new Map<Site, number>();
  for (const [i, v] of versions.entries()) {
    const s = siteOf[i];
    if (s) maxRange.set(s, Math.max(maxRange.get(s) ?? 0, v.rangeM!));
  }
  // Buckets about a typical rival search across (2 × the median range), so a search scans few of them.
  const ranges = [...maxRange.values()].sort((a, b) => a - b);
  const size = Math.max(1_000, 2 * (ranges[ranges.length >> 1] ?? 0));
  const buckets: Buckets = { size, map: new Map() };
  for (const s of sites.values()) {
    const k = bucketKey(Math.floor(s.x / size), Math.floor(s.y / size));
    const b = buckets.map.get(k);
    if (b) b.push(s);
    else buckets.map.set(k, [s]);
  }
  return { siteOf, maxRange, buckets, kx };
}

/**
 * The sites valid at an overlapping time within 2 r of `s` (farther ones cannot be nearer to a point
 * within r of it), nearest first, with their distances. Scans the buckets around `s`, or every
 * bucket when that is fewer.
 */
export function rivals(s: Site, r: number, buckets: Buckets): { sites: Site[]; dist: number[] } {
  const found: [Site, number][] = [];
  const consider = (c: Site) => {
    if (c === s || c.from >= s.to || s.from >= c.to) return;
    if (c.x === s.x && c.y === s.y) return; // the same mast in another version
    const d = Math.hypot(c.x - s.x, c.y - s.y);
    if (d < 2 * r) found.push([c, d]);
  };
  const reach = Math.ceil((2 * r) / buckets.size);
  if ((2 * reach + 1) ** 2 > buckets.map.size) {
    for (const b of buckets.map.values()) for (const c of b) consider(c);
  } else {
    const bx = Math.floor(s.x / buckets.size), by = Math.floor(s.y / buckets.size);
    for (let dx = -reach; dx <= reach; dx++) {
      for (let dy = -reach; dy <= reach; dy++) for (const c of buckets.map.get(bucketKey(bx + dx, by + dy)) ?? []) consider(c);
    }
  }
  found.sort((a, b) => a[1] - b[1]);
  return { sites: found.map((f) => f[0]), dist: found.map((f) => f[1]) };
}

/** Sites by square bucket of `size` metres. */
export interface Buckets {
  size: number;
  map: Map<number, Site[]>;
}

/** A numeric key for bucket (bx, by): |by| stays far below 2^21 for any place on Earth. */
export function bucketKey(bx: number, by: number): number {
  return bx * 4_194_304 + by;
}

/** True when bearing `b` belongs to the sector of azimuth `az` among the site's `azimuths` (all radians). */
export function ownSector(b: number, az: number, azimuths: readonly number[]): boolean {
  const diff = (x: number, y: number) => Math.abs(((x - y + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
  const mine = diff(b, az);
  if (azimuths.length <= 1) return mine <= Math.PI / 3;
  for (const o of azimuths) if (diff(b, o) < mine) return false;
  return true;
}

/**
 * The sector-centre key ({@link sectorCentres}) of each sectored site's azimuths (radians):
 * `sectors[i]` belongs to `versions[i]`, whose site is `siteOf[i]`.
 */
export function sectorKeysBySite(versions: readonly CellVersion[], siteOf: readonly (Site | undefined)[], sectors: readonly (string | undefined)[]): Map<Site, Map<number, string>> {
  const keyOf = new Map<Site, Map<number, string>>();
  for (const [i, v] of versions.entries()) {
    const s = siteOf[i], k = sectors[i];
    if (!s || !k) continue;
    let m = keyOf.get(s);
    if (!m) keyOf.set(s, (m = new Map()));
    m.set((v.azimuthDeg! * Math.PI) / 180, k);
  }
  return keyOf;
}

import type { CellVersion } from '../../schemas/events.ts';
import type { StayPlacer } from './stay-placer.ts';
import { M_PER_DEG, ownSector, rivals, sampleSector, sectorKeysBySite, siteModel, type Site } from './sector-centres.ts';

/** Polar sampling of a served area: finer than sectorCentres' 12 × 36, since it is split by neighbour. */
const RINGS = 24;
const BEARINGS = 72;
/** Least share of a stay's dwell on one sector for it to count as the serving sector of a stationary phone. */
export const SERVING_MIN_SHARE = 0.5;

/** Where a phone served by one sector ping-pongs to: the centroid (metres, site frame) of that part of the area. */
type Parts = Map<string, { w: number; sx: number; sy: number }>;

/**
 * A {@link StayPlacer} for the best-server model of sectorCentres (src/locate/sector-centres.ts): a
 * phone is served by the nearest site's sector facing it, and a stationary phone's ping-pong goes to
 * the second-nearest site's sector facing it (the next-strongest server). So a stay whose serving
 * sector S (the one holding ≥ {@link SERVING_MIN_SHARE} of its dwell) also saw a neighbour's sector N
 * (the other sector with the most dwell) lies in the part of S's served area whose second-nearest
 * site is N's and which N's sector faces: the stay is put at that part's centroid (uniform over area).
 * Null — keep the time-weighted centre — when no sector holds the share, when only S was seen (its
 * centre is the centroid already), or when N cannot be S's ping-pong neighbour under the model
 * (e.g. a sector of the same site, or a device that moved).
 *
 * `sectors[i]` is the sector-centre key (H3 res 11, as in `LocatedEvent.at`) of `versions[i]`
 * ({@link sectorCentres}); the parts of a serving sector are computed on first use.
 */
export function pingPongPlacer(versions: readonly CellVersion[], sectors: readonly (string | undefined)[]): StayPlacer {
  const { siteOf, maxRange, buckets, kx } = siteModel(versions);
  const byKey = new Map<string, number>();
  for (const [i, k] of sectors.entries()) if (siteOf[i] && k && !byKey.has(k)) byKey.set(k, i);
  const keyOf = sectorKeysBySite(versions, siteOf, sectors);
  const parts = new Map<string, Parts>();
  const partsOf = (key: string): Parts | undefined => {
    let p = parts.get(key);
    if (p) return p;
    const i = byKey.get(key);
    if (i === undefined) return undefined;
    parts.set(key, (p = servedParts(siteOf[i]!, versions[i]!, maxRange.get(siteOf[i]!)!, (s) => keyOf.get(s), buckets)));
    return p;
  };
  return (dwell) => {
    let total = 0, serving = '', best = -1;
    for (const [k, ms] of Object.entries(dwell)) {
      total += ms;
      if (ms > best) [serving, best] = [k, ms];
    }
    if (total <= 0 || best < SERVING_MIN_SHARE * total) return null;
    let neighbour = '', nb = 0;
    for (const [k, ms] of Object.entries(dwell)) if (k !== serving && ms > nb) [neighbour, nb] = [k, ms];
    if (neighbour === '') return null;
    const part = partsOf(serving)?.get(neighbour);
    if (!part || part.w === 0) return null;
    const s = siteOf[byKey.get(serving)!]!;
    return [s.lat + part.sy / part.w / M_PER_DEG, s.lon + part.sx / part.w / kx];
  };
}

/**
 * Splits the served area of version `v` at site `s` (polar grid, area-weighted as in sectorCentres)
 * by the sector a stationary phone there would ping-pong to: the sector of the second-nearest site
 * facing the point. Centroids are in metres from the site.
 */
function servedParts(s: Site, v: CellVersion, maxR: number, sectorKeys: (s: Site) => Map<number, string> | undefined, buckets: Parameters<typeof rivals>[2]): Parts {
  const r = v.rangeM!, az = (v.azimuthDeg! * Math.PI) / 180;
  // The second-nearest site of a point within r lies within 2r of it, so within 3r of the mast.
  const { sites, dist } = rivals(s, 1.5 * maxR, buckets);
  const out: Parts = new Map();
  sampleSector(s, az, r, RINGS, BEARINGS, (px, py, d) => {
    let second: Site | null = null, d2 = Infinity;
    // Sorted by distance from the mast: a site farther than d + d2 from it cannot beat d2.
    for (let j = 0; j < sites.length && dist[j]! < d + d2; j++) {
      const c = sites[j]!, dc = Math.hypot(c.x - px, c.y - py);
      if (dc < d2) [second, d2] = [c, dc];
    }
    if (d2 < d) return false; // outside the Voronoi cell
    const keys = second && sectorKeys(second);
    if (!keys) return true; // no neighbour in reach, or an omni one: its events carry no sector key
    const bc = (Math.atan2(px - second!.x, py - second!.y) + 2 * Math.PI) % (2 * Math.PI);
    const facing = [...keys.keys()].find((o) => ownSector(bc, o, second!.azimuths));
    if (facing === undefined) return true;
    const k = keys.get(facing)!;
    let e = out.get(k);
    if (!e) out.set(k, (e = { w: 0, sx: 0, sy: 0 }));
    e.w += d;
    e.sx += d * (px - s.x);
    e.sy += d * (py - s.y);
    return true;
  });
  return out;
}

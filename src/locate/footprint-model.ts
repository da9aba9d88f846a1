import { latLngToCell } from 'h3-js';
import { AT_RES, type CellVersion } from '../../schemas/events.ts';
import { bucketKey, M_PER_DEG, ownSector, rivals, sampleSector, sectorKeysBySite, siteModel, type Site } from './sector-centres.ts';

/** Polar sampling of a served area (as the ping-pong placer's, a little coarser: a footprint is shared, not pinpointed). */
const RINGS = 16;
const BEARINGS = 48;
/** No site within this distance of a place: no footprint. */
const MAX_SEARCH_M = 30_000;

/** Where a cell-seen place may truly be: sample points of an area with weights summing to 1. */
export interface Footprint {
  readonly lat: Float64Array;
  readonly lng: Float64Array;
  readonly w: Float64Array;
}

/**
 * The footprint of a place placed from cell events at `(lat, lng)`, valid at `t` (epoch ms), or null
 * when the cell table cannot say (no sectored site near it).
 */
export type FootprintOf = (lat: number, lng: number, t: number) => Footprint | null;

/**
 * The area a cell-seen place stands for, under the best-server model the placers use
 * (src/locate/sector-centres.ts, src/locate/ping-pong-placer.ts): a phone is served by the nearest
 * site's sector facing it and ping-pongs to the second-nearest site's sector facing it. A stay placed
 * by the ping-pong placer sits at the centroid of the part of its serving sector whose second-nearest
 * site is its neighbour's; a stay with no neighbour sits at its sector's centre. So from a place
 * centre the model recovers the evidence behind it — the serving sector S holding the centre and the
 * neighbour N whose sector faces it — and the footprint is that part of S's served area, or the whole
 * served area when the centre is S's own centre (no neighbour was seen). Samples are area-weighted
 * (polar grid, {@link RINGS} × {@link BEARINGS} over the sector). Computed once per part.
 *
 * Counting a device in every zone of its footprint by share (expected counts, the approach of
 * Tennekes & Gootzen's `mobloc` for mobile network data) keeps per-zone totals unbiased where
 * assigning it whole to one zone swaps devices across borders (docs/population.md, "Footprints").
 *
 * `sectors[i]` is the sector-centre key (H3 res 11) of `versions[i]` ({@link sectorCentres}).
 */
export function footprintModel(versions: readonly CellVersion[], sectors: readonly (string | undefined)[]): FootprintOf {
  const { siteOf, maxRange, buckets, kx } = siteModel(versions);
  const ids = new Map<Site, number>();
  const keyOf = sectorKeysBySite(versions, siteOf, sectors);
  for (const b of buckets.map.values()) for (const s of b) if (!ids.has(s)) ids.set(s, ids.size);
  const cache = new Map<string, Footprint | null>();
  const rivalsOf = new Map<Site, ReturnType<typeof rivals>>();
  const maxRings = Math.ceil(MAX_SEARCH_M / buckets.size);

  /** The nearest and second-nearest sites valid at `t` to (x, y). */
  const nearestTwo = (x: number, y: number, t: number): [Site | null, Site | null] => {
    let best: Site | null = null, second: Site | null = null, bd = Infinity, sd = Infinity;
    const bx = Math.floor(x / buckets.size), by = Math.floor(y / buckets.size);
    for (let r = 0; r <= maxRings; r++) {
      for (let dx = -r; dx <= r; dx++) {
        for (let dy = -r; dy <= r; dy++) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) !== r) continue;
          for (const c of buckets.map.get(bucketKey(bx + dx, by + dy)) ?? []) {
            if (t < c.from || t >= c.to) continue;
            const d = Math.hypot(c.x - x, c.y - y);
            if (d < bd) [second, sd, best, bd] = [best, bd, c, d];
            else if (d < sd) [second, sd] = [c, d];
          }
        }
      }
      // Every site not scanned yet is at least r × size away.
      if (second && r * buckets.size >= sd) break;
    }
    return [best, second];
  };
  const bearing = (from: Site, x: number, y: number) => (Math.atan2(x - from.x, y - from.y) + 2 * Math.PI) % (2 * Math.PI);
  const facing = (s: Site, x: number, y: number): number | undefined => {
    const b = bearing(s, x, y);
    return s.azimuths.find((o) => ownSector(b, o, s.azimuths));
  };

  return (lat, lng, t) => {
    const x = lng * kx, y = lat * M_PER_DEG;
    const [S, N] = nearestTwo(x, y, t);
    if (!S || S.azimuths.length === 0) return null;
    const az = facing(S, x, y);
    if (az === undefined) return null;
    const whole = keyOf.get(S)?.get(az) === latLngToCell(lat, lng, AT_RES);
    const nAz = N ? facing(N, x, y) ?? -1 : -1;
    const key = whole ? `${ids.get(S)}|${az}` : `${ids.get(S)}|${az}|${N ? ids.get(N) : -1}|${nAz}`;
    if (cache.has(key)) return cache.get(key)!;
    let rv = rivalsOf.get(S);
    if (!rv) rivalsOf.set(S, (rv = rivals(S, 1.5 * maxRange.get(S)!, buckets)));
    const { sites, dist } = rv;
    const la: number[] = [], ln: number[] = [], w: number[] = [];
    let total = 0;
    sampleSector(S, az, maxRange.get(S)!, RINGS, BEARINGS, (px, py, d) => {
      let second: Site | null = null, d2 = Infinity;
      for (let j = 0; j < sites.length && dist[j]! < d + d2; j++) {
        const c = sites[j]!, dc = Math.hypot(c.x - px, c.y - py);
        if (dc < d2) [second, d2] = [c, dc];
      }
      if (d2 < d) return false; // outside S's Voronoi cell
      if (!whole && (second !== N || (N && (facing(N, px, py) ?? -1) !== nAz))) return true;
      la.push(S.lat + (py - S.y) / M_PER_DEG);
      ln.push(S.lon + (px - S.x) / kx);
      w.push(d);
      total += d;
      return true;
    });
    const fp = total > 0 ? { lat: Float64Array.from(la), lng: Float64Array.from(ln), w: Float64Array.from(w, (v) => v / total) } : null;
    cache.set(key, fp);
    return fp;
  };
}

/**
 * The share of a footprint in each zone, by `zoneOf(lat, lng)` of its samples (samples outside every
 * zone are left out and the rest renormalised); null when no sample is in a zone.
 */
export function footprintShares(fp: Footprint, zoneOf: (lat: number, lng: number) => string | null): Map<string, number> | null {
  const m = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < fp.w.length; i++) {
    const z = zoneOf(fp.lat[i]!, fp.lng[i]!);
    if (z === null) continue;
    m.set(z, (m.get(z) ?? 0) + fp.w[i]!);
    total += fp.w[i]!;
  }
  if (total <= 0) return null;
  for (const [z, v] of m) m.set(z, v / total);
  return m;
}

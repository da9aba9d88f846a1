import type { CellSite } from './cell-site.ts';

const BUCKET = 500;

/**
 * A uniform-grid index over cell sites answering "which cell serves this point at this time": the
 * nearest site version valid at `t`, then the sector whose azimuth points most nearly at the point.
 */
export class SiteIndex {
  readonly #sites: CellSite[];
  readonly #xs: Float64Array;
  readonly #ys: Float64Array;
  readonly #from: Float64Array;
  readonly #to: Float64Array;
  /** Unit vectors of the three sector azimuths per site: [sx0, cy0, sx1, cy1, sx2, cy2]. */
  readonly #dirs: Float64Array;
  readonly #minX: number;
  readonly #minY: number;
  readonly #nx: number;
  readonly #ny: number;
  readonly #start: Int32Array;
  readonly #ids: Int32Array;
  /** Result of the last search. */
  #best = -1;
  #second = -1;
  #bestD2 = Infinity;
  #secondD2 = Infinity;
  /** Safe distance (m) found by the last {@link serve}; read it right after the call. */
  margin = 0;

  constructor(sites: CellSite[]) {
    if (sites.length === 0) throw new RangeError('SiteIndex: no cell sites');
    const n = sites.length;
    this.#sites = sites;
    this.#xs = new Float64Array(n);
    this.#ys = new Float64Array(n);
    this.#from = new Float64Array(n);
    this.#to = new Float64Array(n);
    this.#dirs = new Float64Array(n * 6);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    sites.forEach((s, i) => {
      this.#xs[i] = s.x;
      this.#ys[i] = s.y;
      this.#from[i] = s.validFrom;
      this.#to[i] = s.validTo;
      for (let k = 0; k < 3; k++) {
        const a = (s.azimuths[k]! * Math.PI) / 180;
        this.#dirs[i * 6 + 2 * k] = Math.sin(a);
        this.#dirs[i * 6 + 2 * k + 1] = Math.cos(a);
      }
      minX = Math.min(minX, s.x);
      minY = Math.min(minY, s.y);
      maxX = Math.max(maxX, s.x);
      maxY = Math.max(maxY, s.y);
    });
    this.#minX = minX;
    this.#minY = minY;
    this.#nx = Math.floor((maxX - minX) / BUCKET) + 1;
    this.#ny = Math.floor((maxY - minY) / BUCKET) + 1;
    const counts = new Int32Array(this.#nx * this.#ny + 1);
    const bucketOf = (i: number) =>
      Math.floor((this.#ys[i]! - minY) / BUCKET) * this.#nx + Math.floor((this.#xs[i]! - minX) / BUCKET);
    for (let i = 0; i < n; i++) counts[bucketOf(i) + 1]!++;
    for (let b = 0; b < this.#nx * this.#ny; b++) counts[b + 1]! += counts[b]!;
    this.#start = counts.slice();
    this.#ids = new Int32Array(n);
    const fill = counts.slice();
    for (let i = 0; i < n; i++) this.#ids[fill[bucketOf(i)]!++] = i;
  }

  /** Index (into the sites array) of the nearest site version valid at `t`, or -1 when none is. */
  nearest(x: number, y: number, t: number): number {
    this.#search(x, y, t);
    return this.#best;
  }

  /**
   * The cell serving (x, y) at `t`, as `site × 3 + sector` (-1 when no site is valid), and sets
   * {@link margin}: how far the point can move before the serving cell could change — half the gap
   * between the nearest and second-nearest site, or the distance to the sector's edge if smaller.
   */
  serve(x: number, y: number, t: number): number {
    this.#search(x, y, t);
    const i = this.#best;
    if (i < 0) return -1;
    const k = this.#sector(i, x, y);
    const dx = x - this.#xs[i]!, dy = y - this.#ys[i]!;
    const d = this.#dirs;
    const o = i * 6;
    const s0 = dx * d[o]! + dy * d[o + 1]!, s1 = dx * d[o + 2]! + dy * d[o + 3]!, s2 = dx * d[o + 4]! + dy * d[o + 5]!;
    const d1 = Math.sqrt(this.#bestD2);
    // The best sector is within 60° of the bearing; its edges are 60° either side of its azimuth.
    const cos = d1 > 0 ? Math.min(1, (k === 0 ? s0 : k === 1 ? s1 : s2) / d1) : 1;
    const toEdge = Math.PI / 3 - Math.acos(cos);
    this.margin = Math.min((Math.sqrt(this.#secondD2) - d1) / 2, d1 * Math.sin(Math.max(0, toEdge)));
    return i * 3 + k;
  }

  /**
   * The cell of the second-nearest site valid at `t` whose sector faces (x, y), as `site × 3 + sector`
   * (-1 when there is none): where a stationary phone at (x, y) ping-pongs to.
   */
  neighbour(x: number, y: number, t: number): number {
    this.#search(x, y, t);
    const j = this.#second;
    return j < 0 ? -1 : j * 3 + this.#sector(j, x, y);
  }

  /** The sector of site `i` whose azimuth points most nearly at (x, y). */
  #sector(i: number, x: number, y: number): number {
    const dx = x - this.#xs[i]!, dy = y - this.#ys[i]!;
    const d = this.#dirs;
    const o = i * 6;
    const s0 = dx * d[o]! + dy * d[o + 1]!, s1 = dx * d[o + 2]! + dy * d[o + 3]!, s2 = dx * d[o + 4]! + dy * d[o + 5]!;
    return s0 >= s1 ? (s0 >= s2 ? 0 : 2) : s1 >= s2 ? 1 : 2;
  }

  /** The cell id of a {@link serve} result. */
  cellId(code: number): string {
    return this.#sites[Math.floor(code / 3)]!.cellIds[code % 3]!;
  }

  /** Finds the nearest and second-nearest site versions valid at `t`. */
  #search(x: number, y: number, t: number): void {
    const bx = Math.floor((x - this.#minX) / BUCKET);
    const by = Math.floor((y - this.#minY) / BUCKET);
    const maxR = Math.max(this.#nx, this.#ny) + Math.abs(bx) + Math.abs(by);
    let best = -1, second = -1, bestD2 = Infinity, secondD2 = Infinity;
    for (let r = 0; r <= maxR; r++) {
      for (let gy = by - r; gy <= by + r; gy++) {
        if (gy < 0 || gy >= this.#ny) continue;
        const edge = gy === by - r || gy === by + r;
        for (let gx = bx - r; gx <= bx + r; gx += edge ? 1 : 2 * r || 1) {
          if (gx < 0 || gx >= this.#nx) continue;
          const b = gy * this.#nx + gx;
          for (let k = this.#start[b]!, e = this.#start[b + 1]!; k < e; k++) {
            const i = this.#ids[k]!;
            if (t < this.#from[i]! || t >= this.#to[i]!) continue;
            const dx = this.#xs[i]! - x, dy = this.#ys[i]! - y;
            const d2 = dx * dx + dy * dy;
            if (d2 < bestD2) (secondD2 = bestD2), (second = best), (bestD2 = d2), (best = i);
            else if (d2 < secondD2) (secondD2 = d2), (second = i);
          }
        }
      }
      // Everything beyond ring r is at least r buckets away from the point's own bucket.
      if (secondD2 <= (r * BUCKET) ** 2) break;
    }
    this.#best = best;
    this.#second = second;
    this.#bestD2 = bestD2;
    this.#secondD2 = secondD2;
  }

  /** The cell id serving (x, y) at `t`: nearest valid site, sector by azimuth. */
  servingCell(x: number, y: number, t: number): string {
    const code = this.serve(x, y, t);
    if (code < 0) throw new RangeError(`SiteIndex: no cell site valid at ${t}`);
    return this.cellId(code);
  }

  /** The site version at an index returned by {@link nearest}. */
  site(i: number): CellSite {
    return this.#sites[i]!;
  }
}

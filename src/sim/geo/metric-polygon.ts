import type { MultiPolygon, Polygon } from 'geojson';
import type { LocalFrame } from './local-frame.ts';

/** One polygon part: an outer ring and its holes, each a flat `[x0, y0, x1, y1, …]` array in metres. */
interface Part {
  rings: Float64Array[];
}

/**
 * A Polygon or MultiPolygon projected to a {@link LocalFrame}, with the few operations the simulator
 * needs: point-in-polygon (holes respected), area, centroid, bounding box and distance to the boundary.
 */
export class MetricPolygon {
  readonly #parts: Part[];
  readonly minX: number;
  readonly minY: number;
  readonly maxX: number;
  readonly maxY: number;
  /** Area in m² (holes subtracted). */
  readonly area: number;
  /** Area-weighted centroid of the outer rings, metres. */
  readonly cx: number;
  readonly cy: number;

  constructor(geometry: Polygon | MultiPolygon, frame: LocalFrame) {
    const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
    this.#parts = polys.map((rings) => ({
      rings: rings.map((ring) => {
        const flat = new Float64Array(ring.length * 2);
        ring.forEach(([lon, lat], i) => {
          flat[2 * i] = frame.x(lon!);
          flat[2 * i + 1] = frame.y(lat!);
        });
        return flat;
      }),
    }));
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    let area = 0, sx = 0, sy = 0, outerArea = 0;
    for (const part of this.#parts) {
      part.rings.forEach((r, k) => {
        let a = 0, cx = 0, cy = 0;
        for (let i = 0; i + 3 < r.length; i += 2) {
          const cross = r[i]! * r[i + 3]! - r[i + 2]! * r[i + 1]!;
          a += cross;
          cx += (r[i]! + r[i + 2]!) * cross;
          cy += (r[i + 1]! + r[i + 3]!) * cross;
          if (k === 0) {
            minX = Math.min(minX, r[i]!);
            maxX = Math.max(maxX, r[i]!);
            minY = Math.min(minY, r[i + 1]!);
            maxY = Math.max(maxY, r[i + 1]!);
          }
        }
        a /= 2;
        if (k === 0) {
          area += Math.abs(a);
          // Orientation differs between sources; weight every part by its unsigned area.
          const sign = a < 0 ? -1 : 1;
          sx += (sign * cx) / 6;
          sy += (sign * cy) / 6;
          outerArea += sign * a;
        } else area -= Math.abs(a);
      });
    }
    if (!Number.isFinite(minX)) throw new RangeError('MetricPolygon: empty geometry');
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    this.area = Math.max(0, area);
    this.cx = outerArea !== 0 ? sx / outerArea : (minX + maxX) / 2;
    this.cy = outerArea !== 0 ? sy / outerArea : (minY + maxY) / 2;
  }

  /** True when (x, y) is inside (on an outer ring and outside every hole of one part). */
  contains(x: number, y: number): boolean {
    if (x < this.minX || x > this.maxX || y < this.minY || y > this.maxY) return false;
    for (const part of this.#parts) {
      if (!inRing(part.rings[0]!, x, y)) continue;
      let inHole = false;
      for (let k = 1; k < part.rings.length && !inHole; k++) inHole = inRing(part.rings[k]!, x, y);
      if (!inHole) return true;
    }
    return false;
  }

  /** Distance in metres from (x, y) to the nearest boundary edge (holes included). */
  clearance(x: number, y: number): number {
    let best = Infinity;
    for (const part of this.#parts) {
      for (const r of part.rings) {
        for (let i = 0; i + 3 < r.length; i += 2) best = Math.min(best, segDist(x, y, r[i]!, r[i + 1]!, r[i + 2]!, r[i + 3]!));
      }
    }
    return best;
  }
}

function inRing(r: Float64Array, x: number, y: number): boolean {
  let inside = false;
  const n = r.length;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
    const yi = r[i + 1]!, yj = r[j + 1]!;
    if (yi > y !== yj > y) {
      const xi = r[i]!, xj = r[j]!;
      if (x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function segDist(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

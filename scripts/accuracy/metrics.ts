/**
 * Agreement measures between an estimated and a true flow table, keyed by any string (a zone pair,
 * a pair and hour). Keys missing on one side count as 0 there.
 */

/** Common part of commuters: 2 Σ min(est, truth) / (Σ est + Σ truth); 1 = identical, 0 = disjoint. */
export function cpc(est: ReadonlyMap<string, number>, truth: ReadonlyMap<string, number>): number {
  let common = 0, se = 0, st = 0;
  for (const [k, v] of est) {
    se += v;
    common += Math.min(v, truth.get(k) ?? 0);
  }
  for (const v of truth.values()) st += v;
  return se + st === 0 ? 1 : (2 * common) / (se + st);
}

/** Pearson correlation over the union of keys (NaN with fewer than 2 keys or no variance). */
export function pearson(est: ReadonlyMap<string, number>, truth: ReadonlyMap<string, number>): number {
  const keys = new Set([...est.keys(), ...truth.keys()]);
  const n = keys.size;
  if (n < 2) return NaN;
  let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
  for (const k of keys) {
    const x = est.get(k) ?? 0, y = truth.get(k) ?? 0;
    sx += x;
    sy += y;
    sxx += x * x;
    syy += y * y;
    sxy += x * y;
  }
  const cov = sxy - (sx * sy) / n, vx = sxx - (sx * sx) / n, vy = syy - (sy * sy) / n;
  return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : NaN;
}

/** Adds `v` to `key` of a count map. */
export function bump(m: Map<string, number>, key: string, v = 1): void {
  m.set(key, (m.get(key) ?? 0) + v);
}

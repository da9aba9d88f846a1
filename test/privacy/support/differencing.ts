/**
 * The differencing attack as an attacker runs it on released figures: for every released parent, take
 * its released parts and subtract; a result from 1 to k−1 reveals a hidden group of fewer than k people.
 */
export interface Remainder<P> {
  parent: P;
  value: number;
}

/**
 * Remainders `parent − Σ released parts` in 1..k−1. `partsOf` lists each parent's parts (units that lie
 * inside it); parts not released count as unknown (the attacker subtracts only what was released).
 */
export function differencingAttack<P, C>(parents: ReadonlyMap<P, number>, parts: ReadonlyMap<C, number>, parentOfPart: (part: C) => P | undefined, k: number): Remainder<P>[] {
  const sums = new Map<P, number>();
  for (const [c, v] of parts) {
    const p = parentOfPart(c);
    if (p !== undefined) sums.set(p, (sums.get(p) ?? 0) + v);
  }
  const found: Remainder<P>[] = [];
  for (const [p, total] of parents) {
    const value = total - (sums.get(p) ?? 0);
    if (value >= 1 && value < k) found.push({ parent: p, value });
  }
  return found;
}

/** The OLD, per-table k-anonymity: each unit's exact sum, kept when ≥ k (what citypulse released before). */
export function naiveRelease<K, U>(counts: ReadonlyMap<K, number>, unitOf: (key: K) => U | undefined, k: number): Map<U, number> {
  const sums = new Map<U, number>();
  for (const [key, c] of counts) {
    const u = unitOf(key);
    if (u !== undefined) sums.set(u, (sums.get(u) ?? 0) + c);
  }
  for (const [u, v] of sums) if (v < k) sums.delete(u);
  return sums;
}

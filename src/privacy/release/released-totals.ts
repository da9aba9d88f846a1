import type { Release, ReleaseElement } from './release-element.ts';

/** Options of {@link releasedTotals} and {@link releasedBreakdowns}. */
export interface ReleasedOptions {
  /**
   * A raised threshold k' ≥ the release's k (a client asking for more): elements below k' are removed
   * from the release; nothing is re-merged, so release(k) and release(k') differ by whole elements.
   */
  k?: number;
}

/**
 * The unit holding every key of `element`, or undefined when the element straddles units (or a key has
 * no unit): `unitOf` maps a base key to its unit (an H3 parent, a zone id).
 */
export function unitOfElement<K, U>(element: ReleaseElement<K>, unitOf: (key: K) => U | undefined): U | undefined {
  let unit: U | undefined;
  for (const key of element.keys) {
    const u = unitOf(key);
    if (u === undefined) return undefined;
    if (unit === undefined) unit = u;
    else if (u !== unit) return undefined;
  }
  return unit;
}

/** The elements of `release` that pass a raised threshold (all of them without one). */
export function elementsAtK<K>(release: Release<K>, options: ReleasedOptions = {}): ReleaseElement<K>[] {
  const k = options.k ?? release.k;
  if (!Number.isInteger(k) || k < release.k) throw new RangeError(`a raised k must be an integer ≥ the release's k ${release.k}, got ${k}`);
  return k === release.k ? release.elements : release.elements.filter((e) => e.count >= k);
}

/**
 * The released figure of every unit: the sum of the whole elements contained in it (an element whose
 * keys fall in several units counts in none). Units with no contained element are absent (not 0).
 * Works for H3 cells at any level (`unitOf = key => parent(key, res)`), zones (`key => zoneOfCell`),
 * or any other grouping of base keys.
 */
export function releasedTotals<K, U>(release: Release<K>, unitOf: (key: K) => U | undefined, options: ReleasedOptions = {}): Map<U, number> {
  const totals = new Map<U, number>();
  for (const e of elementsAtK(release, options)) {
    const unit = unitOfElement(e, unitOf);
    if (unit !== undefined) totals.set(unit, (totals.get(unit) ?? 0) + e.count);
  }
  return totals;
}

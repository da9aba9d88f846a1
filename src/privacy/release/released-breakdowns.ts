import type { Release } from './release-element.ts';
import { elementsAtK, unitOfElement, type ReleasedOptions } from './released-totals.ts';

/** A unit's labelled breakdown: per label the people of its elements whose breakdown is released. */
export interface UnitBreakdown<L extends string> {
  labels: Record<L, number>;
  /** People of the unit covered by the breakdown (Σ labels); the unit's total minus this is 0 or ≥ k. */
  covered: number;
}

/**
 * Labelled breakdowns (e.g. residents / workers / visitors) consistent with a release. The labels must
 * partition each base key's count. An element's breakdown is released only when every label is 0 or
 * ≥ k (FlowKit ADR 0011: drop the whole breakdown when a label falls below k); a unit's breakdown sums
 * the released breakdowns of its contained elements. Then a label of a unit minus labels of its parts,
 * and a unit's total minus its covered breakdown, are sums of whole element labels: 0 or ≥ k.
 *
 * @throws RangeError when a key's labels do not sum to its element's count.
 */
export function releasedBreakdowns<K, U, L extends string>(
  release: Release<K>,
  labels: readonly L[],
  labelsOf: (key: K) => Readonly<Record<L, number>>,
  unitOf: (key: K) => U | undefined,
  options: ReleasedOptions = {},
): Map<U, UnitBreakdown<L>> {
  const k = options.k ?? release.k;
  const out = new Map<U, UnitBreakdown<L>>();
  for (const e of elementsAtK(release, options)) {
    const sums = Object.fromEntries(labels.map((l) => [l, 0])) as Record<L, number>;
    for (const key of e.keys) {
      const byLabel = labelsOf(key);
      for (const l of labels) sums[l] += byLabel[l] ?? 0;
    }
    const covered = labels.reduce((s, l) => s + sums[l], 0);
    if (covered !== e.count) throw new RangeError(`labels must partition the counts: an element of ${e.count} people has labels summing to ${covered}`);
    if (labels.some((l) => sums[l] > 0 && sums[l] < k)) continue;
    const unit = unitOfElement(e, unitOf);
    if (unit === undefined) continue;
    let b = out.get(unit);
    if (!b) {
      b = { labels: Object.fromEntries(labels.map((l) => [l, 0])) as Record<L, number>, covered: 0 };
      out.set(unit, b);
    }
    for (const l of labels) b.labels[l] += sums[l];
    b.covered += covered;
  }
  return out;
}

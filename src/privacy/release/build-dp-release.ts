import { checkK } from '../../outputs/export/k-anonymity.ts';
import type { Release } from './release-element.ts';
import type { ReleaseHierarchy } from './release-hierarchy.ts';

/**
 * Differential-privacy mode: a release whose structure does not depend on the data. Every key of a
 * fixed `domain` (e.g. every base cell of the cell table; a key missing from the domain is never
 * released) gets two-sided geometric (discrete Laplace) noise with α = exp(−ε) on its exact count;
 * noisy counts are clamped at 0 and those below k are dropped — both post-processing, which keeps the
 * guarantee. Each device counts once per window in `present`, in one key, so the count vector has L1
 * sensitivity 1 and the window's release is ε-DP. Coarser figures are sums of the released noisy keys
 * (post-processing again). ε spent per day = Σ over the day's DP windows (see `privacy_budget`).
 *
 * @param random uniform [0, 1) source; pass a seeded one in tests only.
 */
export function buildDpRelease<K>(
  counts: ReadonlyMap<K, number>,
  domain: Iterable<K>,
  hierarchy: ReleaseHierarchy<K>,
  options: { k: number; epsilon: number; random?: () => number },
): Release<K> {
  const k = checkK(options.k);
  const { epsilon } = options;
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new RangeError(`epsilon must be a positive number, got ${epsilon}`);
  const alpha = Math.exp(-epsilon);
  const random = options.random ?? Math.random;
  const keys = [...new Set(domain)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let total = 0;
  for (const c of counts.values()) total += c;
  const elements: Release<K>['elements'] = [];
  let releasedNoisy = 0;
  for (const key of keys) {
    const noisy = Math.max(0, (counts.get(key) ?? 0) + twoSidedGeometric(alpha, random));
    if (noisy < k) continue;
    elements.push({ id: elements.length, anchor: key, anchorLevel: hierarchy.baseLevel, keys: [key], count: noisy });
    releasedNoisy += noisy;
  }
  return { k, elements, total, withheld: Math.max(0, total - releasedNoisy), secondaryMerges: 0 };
}

/** A draw of the two-sided geometric distribution P(z) ∝ α^|z|: the difference of two geometric draws. */
export function twoSidedGeometric(alpha: number, random: () => number): number {
  return geometric(alpha, random) - geometric(alpha, random);
}

function geometric(alpha: number, random: () => number): number {
  // P(G = g) = (1 − α) α^g, g ≥ 0, by inversion.
  const u = 1 - random();
  return Math.floor(Math.log(u) / Math.log(alpha));
}

import type { Release } from './release-element.ts';

/**
 * Differential-privacy mode: two-sided geometric (discrete Laplace) noise with parameter
 * α = exp(−ε) added to every element of a release, then clamped at 0 (post-processing keeps the
 * guarantee). Each device counts once per window in `present`, in one base key, hence in at most one
 * element: the sensitivity of the element vector is 1 and the release is ε-DP per window. Released
 * figures are sums of noisy elements, computed as usual with `releasedTotals`; ε spent per day is the
 * sum over the day's noisy windows (accounted by the caller, see `privacy_budget`).
 *
 * @param random uniform [0, 1) source; pass a seeded one in tests only.
 */
export function addDpNoise<K>(release: Release<K>, epsilon: number, random: () => number = Math.random): Release<K> {
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new RangeError(`epsilon must be a positive number, got ${epsilon}`);
  const alpha = Math.exp(-epsilon);
  return { ...release, elements: release.elements.map((e) => ({ ...e, count: Math.max(0, e.count + twoSidedGeometric(alpha, random)) })) };
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

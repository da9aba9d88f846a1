/** The smallest count that may leave the system by default. */
export const DEFAULT_K = 20;

/**
 * Checks a k-anonymity threshold: an integer of at least 2 (a count of 1 is one person).
 * @throws RangeError naming the value otherwise.
 */
export function checkK(k: number): number {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k-anonymity threshold must be an integer ≥ 2, got ${k}`);
  return k;
}

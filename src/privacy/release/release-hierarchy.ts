import { cellToParent } from 'h3-js';

/**
 * A hierarchy of units over base keys, as the release needs it: base keys live at `baseLevel`;
 * `parent(key, level)` names the unit at a coarser level that contains the key; remainders are formed
 * up to `topLevel` (the coarsest level at which people below k are pooled).
 *
 * For H3 use {@link h3Hierarchy}. Any other nesting works too (postcode → district → city): keys only
 * need to be usable as Map keys and `parent` must be consistent (the parent of a parent is the parent).
 */
export interface ReleaseHierarchy<K> {
  /** Level of the base keys (H3: the base resolution, e.g. 9). */
  baseLevel: number;
  /** Coarsest level at which remainders are pooled (H3 default 5). Must be ≤ baseLevel. */
  topLevel: number;
  /** The unit at `level` (topLevel ≤ level ≤ baseLevel) containing base key `key`. */
  parent(key: K, level: number): K;
}

/**
 * The H3 hierarchy over UBIGINT cells (as DuckDB stores them): base resolution `baseRes`, remainders
 * pooled up to `topRes` (default 5, hexagons of ≈ 250 km²).
 */
export function h3Hierarchy(baseRes: number, topRes = 5): ReleaseHierarchy<bigint> {
  if (!Number.isInteger(baseRes) || baseRes < 0 || baseRes > 15) throw new RangeError(`base resolution must be 0..15, got ${baseRes}`);
  if (!Number.isInteger(topRes) || topRes < 0 || topRes > baseRes) throw new RangeError(`top resolution must be 0..${baseRes}, got ${topRes}`);
  return {
    baseLevel: baseRes,
    topLevel: topRes,
    parent(key, level) {
      if (level === baseRes) return key;
      return BigInt(`0x${cellToParent(key.toString(16), level)}`);
    },
  };
}

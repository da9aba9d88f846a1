import { EMPTY_ROOT, nodeHash, splitPoint } from './merkle-hash.ts';

/**
 * RFC 9162 §2.1.1 Merkle Tree Hash over leaf hashes `leaves[from, to)`: the empty hash for none, the
 * leaf hash for one, else node(MTH(first k), MTH(rest)) with k the largest power of two < n.
 */
export function treeHash(leaves: readonly Uint8Array[], from = 0, to = leaves.length): Buffer {
  const n = to - from;
  if (n === 0) return EMPTY_ROOT;
  if (n === 1) return Buffer.from(leaves[from]!);
  const k = splitPoint(n);
  return nodeHash(treeHash(leaves, from, from + k), treeHash(leaves, from + k, to));
}

/**
 * RFC 9162 §2.1.3.1 inclusion proof (audit path) of leaf `index` in the tree of the first `size`
 * leaf hashes.
 */
export function inclusionProof(leaves: readonly Uint8Array[], index: number, size = leaves.length): Buffer[] {
  if (!Number.isInteger(size) || size < 1 || size > leaves.length) throw new RangeError(`tree size ${size} out of range 1..${leaves.length}`);
  if (!Number.isInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf index ${index} out of range 0..${size - 1}`);
  const path = (m: number, from: number, to: number): Buffer[] => {
    const n = to - from;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k ? [...path(m, from, from + k), treeHash(leaves, from + k, to)] : [...path(m - k, from + k, to), treeHash(leaves, from, from + k)];
  };
  return path(index, 0, size);
}

/**
 * RFC 9162 §2.1.4.1 consistency proof between the trees of the first `first` and the first `second`
 * leaf hashes (0 < first ≤ second). Empty when first = second.
 */
export function consistencyProof(leaves: readonly Uint8Array[], first: number, second = leaves.length): Buffer[] {
  if (!Number.isInteger(second) || second < 1 || second > leaves.length) throw new RangeError(`tree size ${second} out of range 1..${leaves.length}`);
  if (!Number.isInteger(first) || first < 1 || first > second) throw new RangeError(`first size ${first} out of range 1..${second}`);
  const sub = (m: number, from: number, to: number, whole: boolean): Buffer[] => {
    const n = to - from;
    if (m === n) return whole ? [] : [treeHash(leaves, from, to)];
    const k = splitPoint(n);
    return m <= k ? [...sub(m, from, from + k, whole), treeHash(leaves, from + k, to)] : [...sub(m - k, from + k, to, false), treeHash(leaves, from, from + k)];
  };
  return sub(first, 0, second, true);
}

import { createHash } from 'node:crypto';

/** SHA-256 of the concatenated parts. */
export function sha256(...parts: Uint8Array[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

/** RFC 9162 §2.1.1 leaf hash: SHA-256(0x00 || entry). */
export function leafHash(entry: Uint8Array | string): Buffer {
  return sha256(LEAF, typeof entry === 'string' ? Buffer.from(entry, 'utf8') : entry);
}

/** RFC 9162 §2.1.1 interior node hash: SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE, left, right);
}

/** The hash of the empty tree: SHA-256 of nothing. */
export const EMPTY_ROOT: Buffer = sha256();

/** Largest power of two strictly smaller than n (n ≥ 2): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

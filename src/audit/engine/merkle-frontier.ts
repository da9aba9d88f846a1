import { EMPTY_ROOT, nodeHash } from './merkle-hash.ts';

/**
 * The right edge of an RFC 9162 tree: the roots of its perfect subtrees, largest first (one per set
 * bit of the size). Appending is O(log n), the root O(log n) — the ledger keeps one of these instead
 * of rehashing every leaf on each append.
 */
export class MerkleFrontier {
  #size = 0;
  /** Perfect-subtree roots with their sizes, largest (leftmost) first. */
  #nodes: { size: number; hash: Buffer }[] = [];

  /** Builds the frontier of the given leaf hashes. */
  static of(leaves: Iterable<Uint8Array>): MerkleFrontier {
    const f = new MerkleFrontier();
    for (const l of leaves) f.append(l);
    return f;
  }

  get size(): number {
    return this.#size;
  }

  /** Appends one leaf hash. */
  append(leaf: Uint8Array): void {
    let node: { size: number; hash: Buffer } = { size: 1, hash: Buffer.from(leaf) };
    while (this.#nodes.length > 0 && this.#nodes[this.#nodes.length - 1]!.size === node.size) {
      const left = this.#nodes.pop()!;
      node = { size: left.size * 2, hash: nodeHash(left.hash, node.hash) };
    }
    this.#nodes.push(node);
    this.#size++;
  }

  /** The Merkle Tree Hash of all leaves appended so far. */
  root(): Buffer {
    if (this.#nodes.length === 0) return EMPTY_ROOT;
    let h = this.#nodes[this.#nodes.length - 1]!.hash;
    for (let i = this.#nodes.length - 2; i >= 0; i--) h = nodeHash(this.#nodes[i]!.hash, h);
    return h;
  }

  /** An independent copy. */
  clone(): MerkleFrontier {
    const f = new MerkleFrontier();
    f.#size = this.#size;
    f.#nodes = this.#nodes.map((n) => ({ ...n }));
    return f;
  }
}

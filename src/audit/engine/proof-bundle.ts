import type { SignedTreeHead } from './tree-head.ts';

/** An inclusion proof of one entry, as `citypulse audit prove` writes it and `audit check` reads it. */
export interface InclusionProofJson {
  leaf_index: number;
  tree_size: number;
  /** The entry's canonical JSON text (its leaf hash is SHA-256(0x00 || entry)). */
  entry: string;
  /** Audit path, hex, leaf side first (RFC 9162 §2.1.3.1). */
  audit_path: string[];
}

/** What `audit prove` prints: the head the proofs lead to and one proof per entry. */
export interface ProofBundle {
  head: SignedTreeHead;
  proofs: InclusionProofJson[];
}

/** A consistency proof from an older tree size to a head's size (hex path, RFC 9162 §2.1.4.1). */
export interface ConsistencyProofJson {
  from_size: number;
  to_size: number;
  path: string[];
}

/** What is published to the heads topic: a signed head and consistency proofs from earlier sizes. */
export interface PublishedHead {
  head: SignedTreeHead;
  consistency: ConsistencyProofJson[];
}

import type { KeyObject } from 'node:crypto';
import type { ConsistencyProofJson } from '../engine/proof-bundle.ts';
import { checkTreeHead, type SignedTreeHead } from '../engine/tree-head.ts';
import { verifyConsistency } from '../engine/verify-proofs.ts';

/** A witness's verdict on a new head of a log it follows. */
export type HeadVerdict =
  | { verdict: 'first' | 'extends'; message: string }
  | { verdict: 'duplicate' | 'older'; message: string }
  | { verdict: 'unverified'; message: string }
  | { verdict: 'alarm'; message: string };

/**
 * Judges `next` against the heads a witness kept for the same log (`kept`, any order): a bad
 * signature, a second root for a size already seen (a fork), a head smaller than the latest that
 * matches no kept head, or a consistency proof that fails → `alarm`; a proof from the latest kept size
 * that verifies → `extends`; no usable proof → `unverified` (the caller asks the API for one).
 * Pure: `proofs` come from the published message or from `/api/v1/audit/consistency`.
 */
export function judgeHead(kept: readonly SignedTreeHead[], next: SignedTreeHead, proofs: readonly ConsistencyProofJson[], publicKey: KeyObject): HeadVerdict {
  const bad = checkTreeHead(next, publicKey);
  if (bad) return { verdict: 'alarm', message: `head of size ${String(next?.size)} of log ${String(next?.log_id)} is not validly signed: ${bad}` };
  const same = kept.find((h) => h.size === next.size);
  if (same) {
    return same.root_hash === next.root_hash
      ? { verdict: 'duplicate', message: `size ${next.size} already seen` }
      : { verdict: 'alarm', message: `FORK: log ${next.log_id} signed two different roots for size ${next.size} (${same.root_hash.slice(0, 16)}… kept, ${next.root_hash.slice(0, 16)}… now)` };
  }
  const latest = [...kept].sort((a, b) => b.size - a.size)[0];
  if (!latest) return { verdict: 'first', message: `first head of log ${next.log_id}: size ${next.size}` };
  if (next.size < latest.size) {
    return { verdict: 'alarm', message: `REWRITE: log ${next.log_id} went back from size ${latest.size} to ${next.size} with a root never seen (truncated or rewritten)` };
  }
  const proof = proofs.find((p) => p.from_size === latest.size && p.to_size === next.size);
  if (!proof) return { verdict: 'unverified', message: `no consistency proof from size ${latest.size} to ${next.size}` };
  const ok = verifyConsistency(latest.size, next.size, proof.path.map((h) => Buffer.from(h, 'hex')), Buffer.from(latest.root_hash, 'hex'), Buffer.from(next.root_hash, 'hex'));
  return ok
    ? { verdict: 'extends', message: `size ${latest.size} → ${next.size}: consistent` }
    : { verdict: 'alarm', message: `FORK/REWRITE: log ${next.log_id} size ${next.size} is not an extension of the kept size ${latest.size} (the consistency proof fails)` };
}

// RFC 9162 hashing, tree hash, inclusion and consistency proofs. The engine's proofs are checked by an
// INDEPENDENT re-implementation of RFC 9162's verification algorithms written again below (straight
// from §2.1.3.2 and §2.1.4.2, with bigint bit operations), on hand-computed trees first, then random ones.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/engine/canonical-json.ts';
import { EMPTY_ROOT, leafHash, nodeHash } from '../../src/audit/engine/merkle-hash.ts';
import { MerkleFrontier } from '../../src/audit/engine/merkle-frontier.ts';
import { consistencyProof, inclusionProof, treeHash } from '../../src/audit/engine/merkle-tree.ts';
import { verifyConsistency, verifyInclusion } from '../../src/audit/engine/verify-proofs.ts';

// ---- the independent verifier ------------------------------------------------------------------
const H = (...parts: (Buffer | number[])[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(Buffer.isBuffer(p) ? p : Buffer.from(p));
  return h.digest();
};
const hashChildren = (l: Buffer, r: Buffer) => H([1], l, r);
const lsb = (x: bigint) => (x & 1n) === 1n;

/** RFC 9162 §2.1.3.2, step by step. */
function rfcVerifyInclusion(leaf: Buffer, leafIndex: number, treeSize: number, path: Buffer[], root: Buffer): boolean {
  if (leafIndex >= treeSize) return false;
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize - 1);
  let r = leaf;
  for (const p of path) {
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!lsb(fn)) {
        do {
          fn >>= 1n;
          sn >>= 1n;
        } while (!lsb(fn) && fn !== 0n);
      }
    } else {
      r = hashChildren(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && r.equals(root);
}

/** RFC 9162 §2.1.4.2, step by step (sizes 0 < first < second). */
function rfcVerifyConsistency(first: number, second: number, firstHash: Buffer, secondHash: Buffer, proof: Buffer[]): boolean {
  if (proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstHash, ...proof] : [...proof];
  let fn = BigInt(first - 1);
  let sn = BigInt(second - 1);
  while (lsb(fn)) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if (lsb(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!lsb(fn)) {
        do {
          fn >>= 1n;
          sn >>= 1n;
        } while (!lsb(fn) && fn !== 0n);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return fr.equals(firstHash) && sr.equals(secondHash) && sn === 0n;
}
// -------------------------------------------------------------------------------------------------

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(`entry ${i}`));

describe('RFC 9162 hashing by hand', () => {
  const [a, b, c, d, e] = ['a', 'b', 'c', 'd', 'e'].map((x) => H([0], Buffer.from(x)));

  it('leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || l || r), empty = SHA-256()', () => {
    expect(leafHash('a')).toEqual(a);
    expect(nodeHash(a!, b!)).toEqual(H([1], a!, b!));
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('tree hashes split at the largest power of two below n', () => {
    const ab = H([1], a!, b!);
    const cd = H([1], c!, d!);
    expect(treeHash([a!])).toEqual(a);
    expect(treeHash([a!, b!, c!])).toEqual(H([1], ab, c!));
    expect(treeHash([a!, b!, c!, d!])).toEqual(H([1], ab, cd));
    // 5 leaves: k = 4 → node(MTH(a..d), e)
    expect(treeHash([a!, b!, c!, d!, e!])).toEqual(H([1], H([1], ab, cd), e!));
  });

  it('the paths of RFC 9162 §2.1.5 example shapes: inclusion of c in 5 leaves, consistency 3 → 5', () => {
    const ab = H([1], a!, b!);
    const cd = H([1], c!, d!);
    const L = [a!, b!, c!, d!, e!];
    expect(inclusionProof(L, 2, 5)).toEqual([d, ab, e]);
    expect(inclusionProof(L, 4, 5)).toEqual([H([1], ab, cd)]);
    // first 3 = node(ab, c): proof [c, d, ab, e]
    expect(consistencyProof(L, 3, 5)).toEqual([c, d, ab, e]);
    // first 4 is a power of two: the proof is just [e]
    expect(consistencyProof(L, 4, 5)).toEqual([e]);
    expect(consistencyProof(L, 5, 5)).toEqual([]);
  });

  it('canonical JSON sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: true } })).toBe('{"a":{"c":true,"d":[1,"x",null]},"b":1}');
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(RangeError);
  });
});

describe('proofs verified by the independent verifier', () => {
  it('every inclusion proof of trees of 1..40 leaves, and a wrong index, leaf or root fails', () => {
    for (let n = 1; n <= 40; n++) {
      const L = leaves(n);
      const root = treeHash(L);
      for (let i = 0; i < n; i++) {
        const path = inclusionProof(L, i);
        expect(rfcVerifyInclusion(L[i]!, i, n, path, root), `n=${n} i=${i}`).toBe(true);
        expect(verifyInclusion(L[i]!, i, n, path, root)).toBe(true);
        expect(rfcVerifyInclusion(leafHash('forged'), i, n, path, root)).toBe(false);
        expect(verifyInclusion(leafHash('forged'), i, n, path, root)).toBe(false);
        if (n > 1) expect(verifyInclusion(L[i]!, (i + 1) % n, n, path, root)).toBe(false);
      }
    }
  });

  it('every consistency proof between sizes 1..33, and a rewritten prefix fails', () => {
    for (let n = 2; n <= 33; n++) {
      const L = leaves(n);
      const second = treeHash(L);
      for (let m = 1; m < n; m++) {
        const first = treeHash(L, 0, m);
        const proof = consistencyProof(L, m, n);
        expect(rfcVerifyConsistency(m, n, first, second, proof), `m=${m} n=${n}`).toBe(true);
        expect(verifyConsistency(m, n, proof, first, second)).toBe(true);
        const forked = [...L];
        forked[m - 1] = leafHash('rewritten');
        const forkedFirst = treeHash(forked, 0, m);
        expect(rfcVerifyConsistency(m, n, forkedFirst, second, proof)).toBe(false);
        expect(verifyConsistency(m, n, proof, forkedFirst, second)).toBe(false);
      }
    }
  });

  it('random trees: proofs verify independently; a flipped proof byte never does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.nat(), fc.nat(), fc.nat(), (n, i0, m0, flip) => {
        const L = leaves(n);
        const root = treeHash(L);
        const i = i0 % n;
        const m = 1 + (m0 % (n - 1));
        const inc = inclusionProof(L, i);
        const con = consistencyProof(L, m, n);
        expect(rfcVerifyInclusion(L[i]!, i, n, inc, root)).toBe(true);
        expect(rfcVerifyConsistency(m, n, treeHash(L, 0, m), root, con)).toBe(true);
        if (inc.length > 0) {
          const bad = inc.map((b) => Buffer.from(b));
          bad[flip % bad.length]![flip % 32] ^= 1;
          expect(verifyInclusion(L[i]!, i, n, bad, root)).toBe(false);
        }
        const badC = con.map((b) => Buffer.from(b));
        badC[flip % badC.length]![flip % 32] ^= 1;
        expect(verifyConsistency(m, n, badC, treeHash(L, 0, m), root)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('the frontier gives the tree hash at every size', () => {
    const L = leaves(130);
    const f = new MerkleFrontier();
    expect(f.root()).toEqual(EMPTY_ROOT);
    for (let n = 1; n <= L.length; n++) {
      f.append(L[n - 1]!);
      expect(f.root().equals(treeHash(L, 0, n)), `n=${n}`).toBe(true);
    }
  });
});

import type { DuckDBConnection } from '@duckdb/node-api';
import type { ConsistencyProofJson, InclusionProofJson } from '../engine/proof-bundle.ts';
import { consistencyProof, inclusionProof } from '../engine/merkle-tree.ts';
import { readLeafHashes } from './read-ledger.ts';

/** Inclusion proofs of entries `indices` in the tree of the first `size` entries. */
export async function inclusionProofsFromDb(conn: DuckDBConnection, indices: readonly number[], size: number): Promise<InclusionProofJson[]> {
  const leaves = await readLeafHashes(conn, size);
  if (leaves.length < size) throw new RangeError(`the ledger holds ${leaves.length} entries, fewer than the tree size ${size}`);
  const entries = await conn.runAndReadAll(`SELECT idx::DOUBLE, entry FROM ledger WHERE idx IN (${indices.map((i) => Math.trunc(i)).join(', ') || '-1'})`);
  const text = new Map(entries.getRowsJS().map(([i, e]) => [i as number, e as string]));
  return indices.map((i) => {
    if (!text.has(i)) throw new RangeError(`the ledger has no entry ${i}`);
    return { leaf_index: i, tree_size: size, entry: text.get(i)!, audit_path: inclusionProof(leaves, i, size).map((h) => h.toString('hex')) };
  });
}

/** The consistency proof from size `from` to size `to` (1 ≤ from ≤ to ≤ entries). */
export async function consistencyProofFromDb(conn: DuckDBConnection, from: number, to: number): Promise<ConsistencyProofJson> {
  const leaves = await readLeafHashes(conn, to);
  if (leaves.length < to) throw new RangeError(`the ledger holds ${leaves.length} entries, fewer than ${to}`);
  return { from_size: from, to_size: to, path: consistencyProof(leaves, from, to).map((h) => h.toString('hex')) };
}

import type { DuckDBConnection } from '@duckdb/node-api';
import type { ConsistencyProofJson, PublishedHead } from '../engine/proof-bundle.ts';
import type { SignedTreeHead } from '../engine/tree-head.ts';
import { consistencyProofFromDb } from './proofs-from-db.ts';

/**
 * The message published for `head`: the head and a consistency proof from each of `fromSizes`
 * (earlier heads a witness may have kept) that is between 1 and the head's size.
 */
export async function publishedHead(conn: DuckDBConnection, head: SignedTreeHead, fromSizes: readonly number[]): Promise<PublishedHead> {
  const consistency: ConsistencyProofJson[] = [];
  for (const m of new Set(fromSizes)) if (m >= 1 && m < head.size) consistency.push(await consistencyProofFromDb(conn, m, head.size));
  return { head, consistency };
}

import type { DuckDBConnection } from '@duckdb/node-api';
import type { StoredLedgerRow } from '../engine/audit-ledger.ts';
import type { SignedTreeHead } from '../engine/tree-head.ts';
import { hasLedger } from './ledger-tables.ts';

/** Every ledger row in index order (none when the database has no ledger). */
export async function readLedgerRows(conn: DuckDBConnection): Promise<StoredLedgerRow[]> {
  if (!(await hasLedger(conn))) return [];
  const r = await conn.runAndReadAll('SELECT idx::DOUBLE, ref, entry, leaf_hash FROM ledger ORDER BY idx');
  return r.getRowsJS().map(([index, ref, entry, leaf]) => ({ index: index as number, ref: ref as string | null, entry: entry as string, leafHash: leaf as string }));
}

/** Every stored signed head, smallest first. */
export async function readHeads(conn: DuckDBConnection): Promise<SignedTreeHead[]> {
  if (!(await hasLedger(conn))) return [];
  const r = await conn.runAndReadAll('SELECT head FROM ledger_heads ORDER BY size');
  return r.getRowsJS().map(([h]) => JSON.parse(h as string) as SignedTreeHead);
}

/** The latest signed head, or null when none was signed yet. */
export async function readLatestHead(conn: DuckDBConnection): Promise<SignedTreeHead | null> {
  if (!(await hasLedger(conn))) return null;
  const r = await conn.runAndReadAll('SELECT head FROM ledger_heads ORDER BY size DESC LIMIT 1');
  const row = r.getRowsJS()[0];
  return row ? (JSON.parse(row[0] as string) as SignedTreeHead) : null;
}

/** Leaf hashes of entries 0..size-1, as bytes (for proofs). */
export async function readLeafHashes(conn: DuckDBConnection, size?: number): Promise<Buffer[]> {
  if (!(await hasLedger(conn))) return [];
  const r = await conn.runAndReadAll(`SELECT leaf_hash FROM ledger ${size === undefined ? '' : `WHERE idx < ${Math.floor(size)}`} ORDER BY idx`);
  return r.getRowsJS().map(([h]) => Buffer.from(h as string, 'hex'));
}

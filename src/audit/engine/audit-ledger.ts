import type { KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import type { AlertLedgerEntry } from './ledger-entry.ts';
import { alertRef } from './ledger-entry.ts';
import { leafHash } from './merkle-hash.ts';
import { MerkleFrontier } from './merkle-frontier.ts';
import { consistencyProof } from './merkle-tree.ts';
import { checkTreeHead, type SignedTreeHead } from './tree-head.ts';
import { verifyConsistency } from './verify-proofs.ts';

/** One stored ledger row as the verifier reads it. */
export interface StoredLedgerRow {
  index: number;
  ref: string | null;
  /** The entry's canonical JSON text. */
  entry: string;
  /** Stored leaf hash, hex. */
  leafHash: string;
}

/** Input of {@link auditLedger}: everything read from the database, plus what the recipient kept. */
export interface AuditLedgerInput {
  rows: readonly StoredLedgerRow[];
  /** Signed heads stored beside the ledger, any order. */
  heads: readonly SignedTreeHead[];
  publicKey: KeyObject;
  /** SHA-256 of each alert row by its ref (`alert:<id>#<seq>`); null when the database has no alerts table. */
  alertRows: ReadonlyMap<string, string> | null;
  /** An older head a recipient kept: the log must have only grown since. */
  keptHead?: SignedTreeHead;
}

/** One broken thing; `index` is the ledger entry concerned, when there is one. */
export interface AuditProblem {
  index: number | null;
  message: string;
}

/** What {@link auditLedger} found. */
export interface AuditReport {
  ok: boolean;
  size: number;
  /** Merkle root recomputed from the entries, hex. */
  root: string;
  /** Alert entries checked against the alerts table. */
  alertsChecked: number;
  headsChecked: number;
  /** Problems, the first broken entry first (problems without an entry last). */
  problems: AuditProblem[];
}

/**
 * Recomputes the ledger's Merkle tree from its entries and checks, in order: indices contiguous from
 * 0; each stored leaf hash and canonical form; every stored signed head (signature, and root equal to
 * the recomputed root of that prefix); the kept head (signature, and an RFC 9162 consistency proof
 * from it to the recomputed tree); and the alerts table both ways (every alert entry's row exists with
 * the same hash; every alert row has an entry). Pure: the caller reads the database.
 */
export function auditLedger(input: AuditLedgerInput): AuditReport {
  const problems: AuditProblem[] = [];
  const leaves: Buffer[] = [];
  const frontier = new MerkleFrontier();
  const heads = [...input.heads].sort((a, b) => a.size - b.size);
  const rootsAt = new Map<number, string>();
  const wanted = new Set(heads.map((h) => h.size));
  if (input.keptHead) wanted.add(input.keptHead.size);
  if (wanted.has(0)) rootsAt.set(0, frontier.root().toString('hex'));
  const seenRefs = new Map<string, number>();
  let alertsChecked = 0;

  input.rows.forEach((row, i) => {
    if (row.index !== i) problems.push({ index: i, message: `entry ${i} is missing (the next stored entry has index ${row.index}): entries were deleted or renumbered` });
    const computed = leafHash(row.entry);
    if (computed.toString('hex') !== row.leafHash) problems.push({ index: i, message: `entry ${i}: its stored leaf hash does not match its text (the entry was edited)` });
    let parsed: unknown;
    try {
      parsed = JSON.parse(row.entry);
      if (canonicalJson(parsed) !== row.entry) problems.push({ index: i, message: `entry ${i} is not in canonical JSON form` });
    } catch {
      problems.push({ index: i, message: `entry ${i} is not JSON` });
    }
    leaves.push(computed);
    frontier.append(computed);
    if (wanted.has(frontier.size)) rootsAt.set(frontier.size, frontier.root().toString('hex'));

    const e = parsed as Partial<AlertLedgerEntry> | undefined;
    if (e?.type === 'alert' && typeof e.alert_id === 'string' && typeof e.seq === 'number') {
      const ref = alertRef(e.alert_id, e.seq);
      if (row.ref !== ref) problems.push({ index: i, message: `entry ${i}: its ref ${row.ref} does not name alert ${e.alert_id}#${e.seq}` });
      if (seenRefs.has(ref)) problems.push({ index: i, message: `entry ${i} records alert ${e.alert_id}#${e.seq} again (first at entry ${seenRefs.get(ref)})` });
      seenRefs.set(ref, i);
      if (input.alertRows) {
        alertsChecked++;
        const digest = input.alertRows.get(ref);
        if (digest === undefined) problems.push({ index: i, message: `alert ${e.alert_id}#${e.seq} (ledger entry ${i}) was deleted from the alerts table` });
        else if (digest !== e.row_sha256) problems.push({ index: i, message: `alert ${e.alert_id}#${e.seq} (ledger entry ${i}) was edited in the alerts table: its row no longer matches the recorded hash` });
      }
    }
  });

  const size = input.rows.length;
  const root = frontier.root().toString('hex');
  for (const h of heads) {
    const bad = checkTreeHead(h, input.publicKey);
    if (bad) problems.push({ index: h.size > 0 ? Math.min(h.size, size) - 1 : null, message: `stored head of size ${h.size}: ${bad}` });
    else if (h.size > size) problems.push({ index: size, message: `a signed head covers ${h.size} entries but the ledger holds ${size}: entries ${size}..${h.size - 1} were removed (truncated)` });
    else if (rootsAt.get(h.size) !== h.root_hash) problems.push({ index: h.size - 1, message: `the signed head of size ${h.size} does not match entries 0..${h.size - 1}: the ledger was rewritten` });
  }

  const kept = input.keptHead;
  if (kept) {
    const bad = checkTreeHead(kept, input.publicKey);
    if (bad) problems.push({ index: null, message: `the kept head: ${bad}` });
    else if (kept.size > size) problems.push({ index: size, message: `the kept head covers ${kept.size} entries but the ledger holds ${size}: the log was truncated` });
    else {
      const proof = kept.size === 0 || kept.size === size ? [] : consistencyProof(leaves, kept.size, size);
      const ok = verifyConsistency(kept.size, size, proof, Buffer.from(kept.root_hash, 'hex'), Buffer.from(root, 'hex'));
      if (!ok) problems.push({ index: kept.size > 0 ? kept.size - 1 : null, message: `the ledger is not an extension of the kept head (size ${kept.size}): entries 0..${kept.size - 1} were rewritten` });
    }
  }

  if (input.alertRows) {
    for (const ref of input.alertRows.keys()) {
      if (!seenRefs.has(ref)) problems.push({ index: null, message: `alert ${ref.slice('alert:'.length)} is in the alerts table but not in the ledger (added)` });
    }
  }
  const headsChecked = heads.length + (kept ? 1 : 0);
  problems.sort((a, b) => (a.index ?? Number.MAX_SAFE_INTEGER) - (b.index ?? Number.MAX_SAFE_INTEGER));
  return { ok: problems.length === 0, size, root, alertsChecked, headsChecked, problems };
}

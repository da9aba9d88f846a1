import { randomUUID, type KeyObject } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import { canonicalJson } from '../engine/canonical-json.ts';
import type { LedgerEntry } from '../engine/ledger-entry.ts';
import { leafHash } from '../engine/merkle-hash.ts';
import { MerkleFrontier } from '../engine/merkle-frontier.ts';
import { signTreeHead, type SignedTreeHead } from '../engine/tree-head.ts';
import { createLedgerTables } from './ledger-tables.ts';

/** Configuration of a {@link DuckDbLedger}. */
export interface DuckDbLedgerConfig {
  /** Ed25519 private key that signs every new tree head. */
  privateKey: KeyObject;
  /** Clock for head times (ms). Default Date.now. */
  now?: () => number;
  /**
   * Entries written just before the first batch this process appends, e.g. `key_created` when the
   * signing key was made on this run. Default none.
   */
  initialEntries?: readonly LedgerAppend[];
}

/** One entry to append, with an optional ref (`alert:<id>#<seq>`) for lookups. */
export interface LedgerAppend {
  entry: LedgerEntry;
  ref?: string;
}

/**
 * The append side of a ledger stored in a DuckDB database (tables of {@link LEDGER_TABLES_SQL}).
 * Keeps the tree's right edge in memory (loaded on first use), so an append costs O(log n) hashing
 * plus one signature: after every append a new signed tree head is stored.
 *
 * Appends run on the caller's connection and inside the caller's transaction when there is one (the
 * alerts plugin appends in the transaction that writes the alert rows). When that transaction rolls
 * back, call {@link reload} before appending again.
 */
export class DuckDbLedger {
  readonly #config: DuckDbLedgerConfig;
  #frontier: MerkleFrontier | null = null;
  #logId = '';
  #head: SignedTreeHead | null = null;
  #initial: LedgerAppend[];

  constructor(config: DuckDbLedgerConfig) {
    this.#config = config;
    this.#initial = [...(config.initialEntries ?? [])];
  }

  /** Entries stored (after the first use). */
  get size(): number {
    return this.#frontier?.size ?? 0;
  }

  /** The last head this process signed, if any. */
  get head(): SignedTreeHead | null {
    return this.#head;
  }

  /** Creates the tables when missing and loads the log id and the tree's right edge. */
  async reload(conn: DuckDBConnection): Promise<void> {
    await createLedgerTables(conn);
    const meta = await conn.runAndReadAll('SELECT log_id FROM ledger_meta LIMIT 1');
    const row = meta.getRowsJS()[0];
    if (row) this.#logId = row[0] as string;
    else {
      this.#logId = randomUUID();
      await conn.run('INSERT INTO ledger_meta VALUES ($1, $2)', [this.#logId, new Date(this.#now()).toISOString()]);
    }
    const r = await conn.runAndReadAll('SELECT leaf_hash FROM ledger ORDER BY idx');
    this.#frontier = MerkleFrontier.of(r.getRowsJS().map(([h]) => Buffer.from(h as string, 'hex')));
  }

  /**
   * Appends entries (in order) and stores a new signed head. Resolves to their indices.
   * @example
   * const [i] = await ledger.append(conn, [{ entry: { type: 'operation', at, op: 'zones_loaded', details } }]);
   */
  async append(conn: DuckDBConnection, entries: readonly LedgerAppend[]): Promise<number[]> {
    if (!this.#frontier) await this.reload(conn);
    const frontier = this.#frontier!;
    if (entries.length === 0) return [];
    const initial = this.#initial.length;
    entries = [...this.#initial, ...entries];
    const indices: number[] = [];
    const next = frontier.clone();
    const values: string[] = [];
    const params: (string | number | null)[] = [];
    for (const { entry, ref } of entries) {
      const text = canonicalJson(entry);
      const leaf = leafHash(text);
      const idx = next.size;
      next.append(leaf);
      indices.push(idx);
      const b = params.length;
      values.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`);
      params.push(idx, entry.type, ref ?? null, text, leaf.toString('hex'));
    }
    await conn.run(`INSERT INTO ledger (idx, type, ref, entry, leaf_hash) VALUES ${values.join(', ')}`, params);
    const head = signTreeHead({ log_id: this.#logId, size: next.size, root_hash: next.root().toString('hex'), time: new Date(this.#now()).toISOString() }, this.#config.privateKey);
    await conn.run('INSERT INTO ledger_heads VALUES ($1, $2)', [head.size, JSON.stringify(head)]);
    this.#frontier = next;
    this.#head = head;
    this.#initial = [];
    return indices.slice(initial);
  }

  #now(): number {
    return (this.#config.now ?? Date.now)();
  }
}

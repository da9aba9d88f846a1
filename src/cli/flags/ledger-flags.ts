import type { DuckDBConnection } from '@duckdb/node-api';
import { logOf, type CommandContext } from '../command.ts';
import { withTransaction } from '../../outputs/duckdb/with-transaction.ts';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { adminLedgerPath } from '../../access/token-files.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import type { LedgerEntry, LedgerOperation } from '../../audit/engine/ledger-entry.ts';
import { resolveKeyFile } from '../../core/key-location.ts';
import { basename } from 'node:path';
import { DuckDbLedger } from '../../audit/duckdb/duckdb-ledger.ts';
import { keyIdOf } from '../../audit/engine/tree-head.ts';
import { loadOrCreateEd25519Key } from '../../audit/keys/ed25519-key-file.ts';

/** File name of the ledger signing key in the key dir. */
export const LEDGER_KEY_FILE = 'ledger-ed25519.pem';

/** The parseArgs options of the ledger in commands that write a database (`ingest`, `stream`). */
export const LEDGER_FLAGS = {
  'ledger-key': { type: 'string' },
  'no-ledger': { type: 'boolean' },
  'ledger-topic': { type: 'string' },
} as const;

/** Help text for {@link LEDGER_FLAGS}. */
export const LEDGER_FLAGS_HELP = `Ledger (docs/audit.md):
  --ledger-key FILE        Ed25519 key that signs the ledger's tree heads (default
                           $CITYPULSE_LEDGER_KEY_FILE, else <key dir>/${LEDGER_KEY_FILE}; created 0600)
  --no-ledger              do not record alerts and this run in the database's signed ledger
  --ledger-topic T         publish each new signed tree head to Kafka topic T for witnesses
                           (brokers: --brokers under stream, else $CITYPULSE_BROKERS or 127.0.0.1:9092)
                           (e.g. citypulse-ledger-heads; citypulse audit witness reads it)`;

/** The ledger signing key file: flag, else $CITYPULSE_LEDGER_KEY_FILE, else `<key dir>/ledger-ed25519.pem`. */
export function ledgerKeyPath(env: CommandContext['env'], flag?: string): string {
  return resolveKeyFile(env, LEDGER_KEY_FILE, flag ?? env.CITYPULSE_LEDGER_KEY_FILE);
}

/**
 * Builds the database's ledger from {@link LEDGER_FLAGS} (null with `--no-ledger`), creating the
 * signing key on first use and saying so on stderr.
 */
export function ledgerFromFlags(values: Record<string, unknown>, ctx: Pick<CommandContext, 'env' | 'stderr'>): DuckDbLedger | null {
  if (values['no-ledger']) return null;
  const key = loadOrCreateEd25519Key(ledgerKeyPath(ctx.env, values['ledger-key'] as string | undefined));
  if (key.created) logOf(ctx)({ type: 'ledger.note', message: `created the signing key ${key.path} (0600); export its public half with citypulse audit public-key` });
  const initialEntries = key.created
    ? [{ entry: { type: 'operation' as const, at: new Date().toISOString(), op: 'key_created' as const, details: { key: 'ledger', key_id: keyIdOf(key.publicKey), file: basename(key.path) } } }]
    : [];
  return new DuckDbLedger({ privateKey: key.privateKey, initialEntries });
}

/**
 * Appends one `operation` entry (zones loaded, cells loaded, retention run…) to the ledger of the
 * database open on `conn`, in its own transaction, signing with the default ledger key (created on
 * first use). Resolves to the entry's index.
 *
 * @example
 * await recordOperation(db.connection, ctx, 'zones_loaded', { name, zones: 88, file: 'nil.geojson' });
 */
export async function recordOperation(
  conn: DuckDBConnection,
  ctx: Pick<CommandContext, 'env' | 'stderr'>,
  op: LedgerOperation,
  details: Record<string, unknown>,
  ledgerKeyFlag?: string,
): Promise<number> {
  return recordEntry(conn, ctx, { type: 'operation', at: new Date().toISOString(), op, details }, ledgerKeyFlag);
}

/**
 * Records a release (an export written for someone) in the ledger of short-lived administrative
 * commands beside the database, `<db>.admin-ledger.duckdb`: exports open the database read-only, so
 * they cannot write its own ledger. Each file is recorded with its SHA-256. Resolves to the entry's
 * index and the ledger's path.
 */
export async function recordRelease(
  dbPath: string,
  ctx: Pick<CommandContext, 'env' | 'stderr'>,
  release: { what: string; params: Record<string, unknown>; k: number | null; files: string[]; for: string | null },
  ledgerKeyFlag?: string,
): Promise<{ index: number; path: string }> {
  const files = release.files.map(fileDigest);
  const path = adminLedgerPath(dbPath);
  const db = await openDatabase(path, { createSchema: false });
  try {
    const index = await recordEntry(db.connection, ctx, { type: 'release', at: new Date().toISOString(), what: release.what, params: release.params, k: release.k, files, for: release.for }, ledgerKeyFlag);
    return { index, path };
  } finally {
    db.close();
  }
}

/**
 * Records an operation in the admin ledger beside the database, `<db>.admin-ledger.duckdb` (the one
 * `tokens` and exports use): for processes that must not hold the database itself between their
 * runs, such as the job scheduler. Resolves to the entry's index and the ledger's path.
 */
export async function recordAdminOperation(
  dbPath: string,
  ctx: Pick<CommandContext, 'env' | 'stderr'>,
  op: LedgerOperation,
  details: Record<string, unknown>,
  ledgerKeyFlag?: string,
): Promise<{ index: number; path: string }> {
  const path = adminLedgerPath(dbPath);
  const db = await openDatabase(path, { createSchema: false });
  try {
    const index = await recordEntry(db.connection, ctx, { type: 'operation', at: new Date().toISOString(), op, details }, ledgerKeyFlag);
    return { index, path };
  } finally {
    db.close();
  }
}

/** Name and SHA-256 of each file that exists (outputs a job or an export wrote). */
export function fileDigests(files: readonly string[]): { name: string; sha256: string }[] {
  return files.filter((f) => existsSync(f) && statSync(f).isFile()).map(fileDigest);
}

function fileDigest(file: string): { name: string; sha256: string } {
  return { name: basename(file), sha256: createHash('sha256').update(readFileSync(file)).digest('hex') };
}

async function recordEntry(conn: DuckDBConnection, ctx: Pick<CommandContext, 'env' | 'stderr'>, entry: LedgerEntry, ledgerKeyFlag?: string): Promise<number> {
  const ledger = ledgerFromFlags({ 'ledger-key': ledgerKeyFlag }, ctx)!;
  const [index] = await withTransaction(conn, () => ledger.append(conn, [{ entry }]));
  return index!;
}

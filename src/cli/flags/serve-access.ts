import { readFileSync } from 'node:fs';
import { ledgerKeyPath } from './ledger-flags.ts';
import { DuckDbLedger } from '../../audit/duckdb/duckdb-ledger.ts';
import { loadOrCreateEd25519Key } from '../../audit/keys/ed25519-key-file.ts';
import { serveLedgerPath, tokenPaths } from '../../access/token-files.ts';
import { TokenRegistry } from '../../access/token-registry.ts';
import { TokenVerifier } from '../../access/token-verifier.ts';
import { openDatabase, type Database } from '../../outputs/duckdb/open.ts';
import { withTransaction } from '../../outputs/duckdb/with-transaction.ts';
import type { AccessConfig } from '../../outputs/http/access-gate.ts';
import { UsageError, type CommandContext } from '../command.ts';

/** What {@link openServeAccess} needs: the flags of `serve` (and of `stream --http`). */
export interface ServeAccessOptions {
  /** The database served (names the default ledger `<db>.serve-ledger.duckdb`). */
  dbPath: string;
  /** `--ledger` of serve / `--http-ledger` of stream, and its flag name for messages. */
  ledger?: string;
  ledgerFlag: string;
  ledgerKey?: string;
  tokenKey?: string;
  rate: number;
  burst: number;
}

/** The access gate's config and the serve ledger behind it. */
export interface ServeAccess {
  access: AccessConfig;
  ledgerPath: string;
  ledgerSize: number;
  registryFile: string;
  /** Waits for the appends in flight and closes the ledger. */
  close(): Promise<void>;
}

/**
 * Token verification and the serve ledger (one signed entry per request), as `citypulse serve` has
 * always set them up; `stream --http` uses the same.
 * @throws UsageError naming the ledger flag when the ledger cannot be opened for writing.
 */
export async function openServeAccess(env: CommandContext['env'], o: ServeAccessOptions): Promise<ServeAccess> {
  const paths = tokenPaths(env, { tokenKey: o.tokenKey });
  const tokenKey = loadOrCreateEd25519Key(paths.keyFile);
  const verifier = new TokenVerifier({ publicKey: tokenKey.publicKey, registry: new TokenRegistry(paths.registryFile) });
  const ledgerPath = o.ledger ?? serveLedgerPath(o.dbPath);
  const ledgerKey = loadOrCreateEd25519Key(ledgerKeyPath(env, o.ledgerKey));
  let ledgerDb: Database;
  try {
    ledgerDb = await openDatabase(ledgerPath, { createSchema: false });
  } catch (err) {
    throw new UsageError(`--${o.ledgerFlag} ${ledgerPath}: cannot open it for writing (another serve holds it?): ${(err as Error).message.split('\n')[0]}`);
  }
  const ledger = new DuckDbLedger({ privateKey: ledgerKey.privateKey });
  await ledger.reload(ledgerDb.connection);
  // One append at a time: DuckDB connections run one statement at a time, and indices must be dense.
  let queue: Promise<unknown> = Promise.resolve();
  const record = (entry: Parameters<DuckDbLedger['append']>[1][number]['entry']) => {
    const next = queue.then(() => withTransaction(ledgerDb.connection, () => ledger.append(ledgerDb.connection, [{ entry }]))).catch(async (err) => {
      await ledger.reload(ledgerDb.connection).catch(() => {});
      throw err;
    });
    queue = next.catch(() => {});
    return next.then(() => {});
  };
  return {
    access: { verifier, rateLimit: { perSecond: o.rate, burst: o.burst }, record },
    ledgerPath,
    ledgerSize: ledger.size,
    registryFile: paths.registryFile,
    async close() {
      await queue;
      ledgerDb.close();
    },
  };
}

/** Reads `--tls-cert`/`--tls-key` (both or neither). */
export function tlsFromFlags(values: Record<string, unknown>): { cert: Buffer; key: Buffer } | undefined {
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) throw new UsageError('--tls-cert and --tls-key go together');
  if (!values['tls-cert']) return undefined;
  const readPem = (flag: 'tls-cert' | 'tls-key') => {
    try {
      return readFileSync(String(values[flag]));
    } catch (err) {
      throw new UsageError(`--${flag} ${String(values[flag])}: ${(err as Error).message}`);
    }
  };
  return { cert: readPem('tls-cert'), key: readPem('tls-key') };
}

/** Checks `--cors-origin` values (scheme and host, no path). */
export function corsOriginsFromFlags(values: Record<string, unknown>): string[] {
  const origins = (values['cors-origin'] as string[] | undefined) ?? [];
  for (const o of origins) if (!/^https?:\/\/[^/]+$/.test(o)) throw new UsageError(`--cors-origin must be an origin like https://dashboard.example (scheme and host, no path), got ${o}`);
  return origins;
}

/** Checks `--rate` (> 0) and `--burst` (integer ≥ 1). */
export function rateFromFlags(values: Record<string, unknown>): { rate: number; burst: number } {
  const rate = Number(values.rate);
  if (!(rate > 0)) throw new UsageError(`--rate must be a number > 0, got ${String(values.rate)}`);
  const burst = Number(values.burst);
  if (!Number.isInteger(burst) || burst < 1) throw new UsageError(`--burst must be an integer ≥ 1, got ${String(values.burst)}`);
  return { rate, burst };
}

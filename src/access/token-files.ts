import { resolveKeyFile } from '../core/key-location.ts';

/** File name of the token-signing key in the key dir. */
export const TOKEN_KEY_FILE = 'token-ed25519.pem';
/** File name of the token registry in the key dir. */
export const TOKEN_REGISTRY_FILE = 'tokens.json';

/** Where the token key and registry live: flag, else variable, else the key dir. */
export function tokenPaths(env: Readonly<Record<string, string | undefined>>, flags: { tokenKey?: string } = {}): { keyFile: string; registryFile: string } {
  return {
    keyFile: resolveKeyFile(env, TOKEN_KEY_FILE, flags.tokenKey ?? env.CITYPULSE_TOKEN_KEY_FILE),
    registryFile: resolveKeyFile(env, TOKEN_REGISTRY_FILE, env.CITYPULSE_TOKENS_FILE),
  };
}

/** The ledger of token operations beside a database: `<db>.admin-ledger.duckdb`. */
export function adminLedgerPath(dbPath: string): string {
  return `${dbPath}.admin-ledger.duckdb`;
}

/** The ledger `serve` appends its access entries to, by default: `<db>.serve-ledger.duckdb`. */
export function serveLedgerPath(dbPath: string): string {
  return `${dbPath}.serve-ledger.duckdb`;
}

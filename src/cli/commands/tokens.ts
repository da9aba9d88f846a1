import { ledgerKeyPath } from '../flags/ledger-flags.ts';
import { DuckDbLedger } from '../../audit/duckdb/duckdb-ledger.ts';
import type { LedgerOperation } from '../../audit/engine/ledger-entry.ts';
import { loadOrCreateEd25519Key } from '../../audit/keys/ed25519-key-file.ts';
import { issueToken } from '../../access/issue-token.ts';
import { SCOPES, isScope } from '../../access/scopes.ts';
import { adminLedgerPath, tokenPaths } from '../../access/token-files.ts';
import { TokenRegistry } from '../../access/token-registry.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { withTransaction } from '../../outputs/duckdb/with-transaction.ts';
import { parseDuration } from '../../core/duration.ts';
import { UsageError, dispatchSubcommand, parseCommandArgs, required, type Command, type CommandContext } from '../command.ts';

const HELP = `Usage: citypulse tokens <create|list|revoke> [options]

Bearer tokens for citypulse serve (docs/http-api.md#access): EdDSA-signed JWTs carrying a name and
scopes. The token-signing key ($CITYPULSE_TOKEN_KEY_FILE, else <key dir>/token-ed25519.pem, created
0600) and the registry of issued and revoked tokens (<key dir>/tokens.json) live in the key dir, so
serve checks tokens — and learns of revocations at once — without writing the database, even while a
stream holds it. Creation and revocation are recorded in the signed ledger <db>.admin-ledger.duckdb.

  citypulse tokens create --db FILE --name NAME --scopes S1,S2 [--expires 30d]
      prints the token as its last output line (shown once; the registry keeps only its id)
  citypulse tokens list [--db FILE] [--json]
  citypulse tokens revoke --db FILE --name NAME|ID

Scopes: ${SCOPES.join(', ')} (admin implies all).

Options:
  --token-key FILE   token-signing key (default $CITYPULSE_TOKEN_KEY_FILE, else <key dir>/token-ed25519.pem)
  --ledger-key FILE  ledger signing key (default <key dir>/ledger-ed25519.pem)
  -h, --help         this help
`;

export const tokensCommand: Command = {
  name: 'tokens',
  summary: 'create, list and revoke scoped bearer tokens for serve',
  help: HELP,
  run: (argv, ctx) => dispatchSubcommand('tokens', argv, ctx, HELP, { create, list, revoke }),
};

const COMMON = { db: { type: 'string' }, 'token-key': { type: 'string' }, 'ledger-key': { type: 'string' } } as const;

async function recordOperation(ctx: CommandContext, v: Record<string, unknown>, op: LedgerOperation, details: Record<string, unknown>): Promise<number> {
  const path = adminLedgerPath(String(v.db));
  const key = loadOrCreateEd25519Key(ledgerKeyPath(ctx.env, v['ledger-key'] as string | undefined));
  const ledger = new DuckDbLedger({ privateKey: key.privateKey });
  const db = await openDatabase(path, { createSchema: false });
  try {
    const [i] = await withTransaction(db.connection, () => ledger.append(db.connection, [{ entry: { type: 'operation', at: new Date().toISOString(), op, details } }]));
    return i!;
  } finally {
    db.close();
  }
}

async function create(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { ...COMMON, name: { type: 'string' }, scopes: { type: 'string' }, expires: { type: 'string' } }, HELP, ctx);
  if (!args) return 0;
  const v = args.values;
  required(v, 'db');
  const name = required(v, 'name');
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name)) throw new UsageError(`--name must be 1–64 letters, digits or . _ @ -, got ${JSON.stringify(name)}`);
  const scopes = required(v, 'scopes').split(',').map((s) => s.trim()).filter(Boolean);
  for (const s of scopes) if (!isScope(s)) throw new UsageError(`--scopes: unknown scope ${JSON.stringify(s)} (known: ${SCOPES.join(', ')})`);
  if (scopes.length === 0) throw new UsageError('--scopes needs at least one scope');
  let ttlMs: number | undefined;
  if (v.expires !== undefined) {
    ttlMs = parseDuration(v.expires, '--expires');
    if (ttlMs <= 0) throw new UsageError('--expires must be > 0');
  }
  const paths = tokenPaths(ctx.env, { tokenKey: v['token-key'] });
  const key = loadOrCreateEd25519Key(paths.keyFile);
  if (key.created) ctx.stderr.write(`created the token-signing key ${key.path} (0600)\n`);
  const { token, record } = await issueToken(key.privateKey, key.publicKey, { name, scopes, ttlMs });
  const registry = new TokenRegistry(paths.registryFile);
  registry.add(record);
  const index = await recordOperation(ctx, v, 'token_created', { id: record.id, name, scopes, expires_at: record.expires_at });
  ctx.stdout.write(`token "${name}" (id ${record.id}) scopes ${scopes.join(',')}, ${record.expires_at ? `expires ${record.expires_at}` : 'no expiry'}; ledger entry ${index} of ${adminLedgerPath(String(v.db))}\n`);
  ctx.stdout.write(token + '\n');
  return 0;
}

async function list(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { ...COMMON, json: { type: 'boolean' } }, HELP, ctx);
  if (!args) return 0;
  const records = new TokenRegistry(tokenPaths(ctx.env, { tokenKey: args.values['token-key'] }).registryFile).list();
  if (args.values.json) {
    ctx.stdout.write(JSON.stringify(records, null, 2) + '\n');
    return 0;
  }
  const now = Date.now();
  for (const r of records) {
    const status = r.revoked_at ? `revoked ${r.revoked_at}` : r.expires_at && Date.parse(r.expires_at) <= now ? `expired ${r.expires_at}` : r.expires_at ? `valid until ${r.expires_at}` : 'valid';
    ctx.stdout.write(`${r.name.padEnd(20)} ${r.id}  ${r.scopes.join(',').padEnd(30)} ${status}\n`);
  }
  if (records.length === 0) ctx.stdout.write('no tokens issued\n');
  return 0;
}

async function revoke(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(argv, { ...COMMON, name: { type: 'string' } }, HELP, ctx);
  if (!args) return 0;
  const v = args.values;
  required(v, 'db');
  const which = required(v, 'name');
  const registry = new TokenRegistry(tokenPaths(ctx.env, { tokenKey: v['token-key'] }).registryFile);
  const changed = registry.revoke(which, new Date());
  if (changed.length === 0) throw new UsageError(`--name ${which}: no valid token with this name or id (citypulse tokens list)`);
  for (const r of changed) {
    const index = await recordOperation(ctx, v, 'token_revoked', { id: r.id, name: r.name });
    ctx.stdout.write(`revoked "${r.name}" (id ${r.id}); ledger entry ${index}\n`);
  }
  return 0;
}

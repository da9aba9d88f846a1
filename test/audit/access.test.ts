// Scoped access on the HTTP server: forged, expired, revoked, unknown and out-of-scope tokens refused;
// rate limits; CORS only for configured origins; every access in the serve ledger; the audit routes'
// proofs verify. Real server, real DuckDB files, real jose JWTs.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/access/issue-token.ts';
import { TokenRegistry } from '../../src/access/token-registry.ts';
import { TokenVerifier } from '../../src/access/token-verifier.ts';
import { DuckDbLedger } from '../../src/audit/duckdb/duckdb-ledger.ts';
import { readHeads, readLedgerRows } from '../../src/audit/duckdb/read-ledger.ts';
import { auditLedger } from '../../src/audit/engine/audit-ledger.ts';
import type { AccessLedgerEntry } from '../../src/audit/engine/ledger-entry.ts';
import { leafHash } from '../../src/audit/engine/merkle-hash.ts';
import { checkTreeHead } from '../../src/audit/engine/tree-head.ts';
import { verifyConsistency, verifyInclusion } from '../../src/audit/engine/verify-proofs.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { withTransaction } from '../../src/outputs/duckdb/with-transaction.ts';
import { startHttpServer, type RunningHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { buildSmallDb } from '../http/fixture.ts';

const tokenKey = generateKeyPairSync('ed25519');
const ledgerKey = generateKeyPairSync('ed25519');
let dir: string;
let srv: RunningHttpServer;
let registry: TokenRegistry;
let serveLedgerDb: Database;
const tokens: Record<string, string> = {};
let requests = 0;

async function get(path: string, token?: string, headers: Record<string, string> = {}) {
  requests++;
  const r = await fetch(new URL(path, srv.url), { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text, json: text.startsWith('{') ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-access-'));
  const dbPath = join(dir, 'small.duckdb');
  await buildSmallDb(dbPath);
  // The database's own ledger: three operation entries, as a writer would leave them.
  const db = await openDatabase(dbPath, { createSchema: false });
  const dbLedger = new DuckDbLedger({ privateKey: ledgerKey.privateKey });
  for (let i = 0; i < 3; i++) await withTransaction(db.connection, () => dbLedger.append(db.connection, [{ entry: { type: 'operation', at: `2026-03-02T0${i}:00:00.000Z`, op: 'zones_loaded', details: { i } } }]));
  db.close();

  registry = new TokenRegistry(join(dir, 'keys', 'tokens.json'));
  const issue = async (name: string, scopes: string[], extra: { ttlMs?: number; now?: number } = {}) => {
    const { token, record } = await issueToken(tokenKey.privateKey, tokenKey.publicKey, { name, scopes, ...extra });
    registry.add(record);
    tokens[name] = token;
  };
  await issue('duty', ['alerts:read']);
  await issue('maps', ['heatmap:read']);
  await issue('root', ['admin']);
  await issue('auditor', ['audit:read']);
  await issue('old', ['alerts:read'], { now: Date.now() - 2 * 3_600_000, ttlMs: 3_600_000 });
  await issue('gone', ['alerts:read']);
  await issue('busy', ['heatmap:read']);
  // Same claims, signed by a key that is not the server's.
  const other = generateKeyPairSync('ed25519');
  tokens.forged = (await issueToken(other.privateKey, other.publicKey, { name: 'duty', scopes: ['admin'] })).token;
  // Valid signature, but never registered (e.g. from a wiped registry).
  tokens.unregistered = await new SignJWT({ scope: 'admin' }).setProtectedHeader({ alg: 'EdDSA' }).setIssuer('citypulse').setSubject('x').setJti('nope').sign(tokenKey.privateKey);
  // alg none.
  tokens.none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ iss: 'citypulse', sub: 'duty', jti: 'x', scope: 'admin' })).toString('base64url')}.`;

  serveLedgerDb = await openDatabase(join(dir, 'serve-ledger.duckdb'), { createSchema: false });
  const serveLedger = new DuckDbLedger({ privateKey: ledgerKey.privateKey });
  let queue: Promise<unknown> = Promise.resolve();
  srv = await startHttpServer({
    dbPath,
    port: 0,
    corsOrigins: ['https://duty.example'],
    access: {
      verifier: new TokenVerifier({ publicKey: tokenKey.publicKey, registry }),
      rateLimit: { burst: 20, perSecond: 0.01 },
      record: (entry: AccessLedgerEntry) => {
        const p = queue.then(() => withTransaction(serveLedgerDb.connection, () => serveLedger.append(serveLedgerDb.connection, [{ entry }])));
        queue = p.catch(() => {});
        return p.then(() => {});
      },
    },
  });
});
afterAll(async () => {
  await srv?.close();
  serveLedgerDb?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('bearer tokens and scopes', () => {
  it('open: the page, /healthz and the OpenAPI document (which declares bearer auth)', async () => {
    expect((await get('/')).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
    const doc = await get('/api/v1/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  });

  it('401 without a token, with a forged, unregistered, alg-none, malformed or expired one', async () => {
    const none = await get('/api/v1/alerts');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(none.json.detail).toMatch(/needs Authorization: Bearer/);
    for (const [name, detail] of [
      ['forged', /not signed by this server/],
      ['unregistered', /not in the token registry/],
      ['none', /not a valid citypulse token/],
      ['old', /has expired/],
    ] as const) {
      const r = await get('/api/v1/alerts', tokens[name]);
      expect(r.status, name).toBe(401);
      expect(r.json.detail, name).toMatch(detail);
    }
    expect((await get('/api/v1/alerts', 'not-a-jwt')).status).toBe(401);
  });

  it('200 with the scope, 403 outside it, admin everywhere', async () => {
    expect((await get('/api/v1/alerts', tokens.duty)).status).toBe(200);
    const r = await get('/api/v1/alerts', tokens.maps);
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ error: 'forbidden', detail: 'token "maps" lacks the scope alerts:read (it has: heatmap:read)' });
    expect((await get('/api/v1/windows', tokens.maps)).status).toBe(200);
    expect((await get('/api/v1/windows', tokens.duty)).status).toBe(403);
    expect((await get('/api/v1/queries', tokens.duty)).status).toBe(403);
    for (const p of ['/api/v1/alerts', '/api/v1/windows', '/api/v1/zones', '/api/v1/queries', '/api/v1/audit/head']) expect((await get(p, tokens.root)).status, p).toBe(200);
  });

  it('a revocation takes effect at the next request, without a restart', async () => {
    expect((await get('/api/v1/alerts', tokens.gone)).status).toBe(200);
    expect(registry.revoke('gone', new Date()).map((r) => r.name)).toEqual(['gone']);
    const r = await get('/api/v1/alerts', tokens.gone);
    expect(r.status).toBe(401);
    expect(r.json.detail).toBe('the bearer token was revoked');
  });

  it('per-token rate limit: 429 with Retry-After once the bucket is empty, other tokens unaffected', async () => {
    const statuses = [];
    for (let i = 0; i < 21; i++) statuses.push(await get('/api/v1/windows', tokens.busy));
    expect(statuses.map((s) => s.status)).toEqual([...Array(20).fill(200), 429]);
    expect(Number(statuses[20]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(statuses[20]!.json.error).toBe('too_many_requests');
    expect((await get('/api/v1/windows', tokens.maps)).status).toBe(200);
  });

  it('CORS only for the configured origin', async () => {
    const ok = await get('/api/v1/alerts', tokens.duty, { origin: 'https://duty.example' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://duty.example');
    const evil = await get('/api/v1/alerts', tokens.duty, { origin: 'https://evil.example' });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('audit routes', () => {
  it('head, inclusion and consistency proofs verify against the signed head', async () => {
    expect((await get('/api/v1/audit/head', tokens.duty)).status).toBe(403);
    const head = (await get('/api/v1/audit/head', tokens.auditor)).json;
    expect(head.size).toBe(3);
    expect(checkTreeHead(head, ledgerKey.publicKey)).toBeNull();
    const proof = (await get('/api/v1/audit/proof/1', tokens.auditor)).json;
    const p = proof.proofs[0];
    expect(JSON.parse(p.entry)).toMatchObject({ op: 'zones_loaded', details: { i: 1 } });
    expect(verifyInclusion(leafHash(p.entry), 1, 3, p.audit_path.map((h: string) => Buffer.from(h, 'hex')), Buffer.from(head.root_hash, 'hex'))).toBe(true);
    const first = (await get('/api/v1/audit/proof/0?size=1', tokens.auditor)).json.head;
    const c = (await get('/api/v1/audit/consistency?from=1&to=3', tokens.auditor)).json;
    expect(verifyConsistency(1, 3, c.path.map((h: string) => Buffer.from(h, 'hex')), Buffer.from(first.root_hash, 'hex'), Buffer.from(head.root_hash, 'hex'))).toBe(true);
    expect((await get('/api/v1/audit/proof/7', tokens.auditor)).status).toBe(400);
  });
});

describe('the serve ledger', () => {
  it('holds every access — who, route, parameters, status — and verifies', async () => {
    await get('/api/v1/alerts?limit=5&since=2026-03-02T00:00:00Z', tokens.duty);
    const rows = await readLedgerRows(serveLedgerDb.connection);
    expect(rows.length).toBe(requests);
    const entries = rows.map((r) => JSON.parse(r.entry) as AccessLedgerEntry);
    expect(entries.at(-1)).toMatchObject({ type: 'access', token: 'duty', method: 'GET', route: '/api/v1/alerts', params: { limit: '5', since: '2026-03-02T00:00:00Z' }, status: 200 });
    expect(entries.filter((e) => e.status === 401).length).toBeGreaterThanOrEqual(7);
    expect(entries.find((e) => e.status === 403 && e.token === 'maps')).toBeDefined();
    expect(entries.find((e) => e.status === 429 && e.token === 'busy')).toBeDefined();
    expect(rows.some((r) => r.entry.includes('eyJ'))).toBe(false); // never the token itself
    const report = auditLedger({ rows, heads: await readHeads(serveLedgerDb.connection), alertRows: null, publicKey: ledgerKey.publicKey });
    expect(report.problems).toEqual([]);
  });
});

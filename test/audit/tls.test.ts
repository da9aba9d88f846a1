// Optional TLS: the server speaks HTTPS with the given certificate and key (node:https), and access
// control applies unchanged. The certificate is made by the openssl CLI for 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../../src/access/issue-token.ts';
import { TokenRegistry } from '../../src/access/token-registry.ts';
import { TokenVerifier } from '../../src/access/token-verifier.ts';
import { startHttpServer, type RunningHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { buildSmallDb } from '../http/fixture.ts';

let dir: string;
let srv: RunningHttpServer;
let cert: Buffer;
let token: string;

function get(path: string, auth?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, srv.url), { ca: cert, headers: auth ? { authorization: `Bearer ${auth}` } : {} }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  cert = readFileSync(join(dir, 'cert.pem'));
  const dbPath = join(dir, 'small.duckdb');
  await buildSmallDb(dbPath);
  const keys = generateKeyPairSync('ed25519');
  const registry = new TokenRegistry(join(dir, 'tokens.json'));
  const issued = await issueToken(keys.privateKey, keys.publicKey, { name: 'tls', scopes: ['heatmap:read'] });
  registry.add(issued.record);
  token = issued.token;
  srv = await startHttpServer({ dbPath, port: 0, tls: { cert, key: readFileSync(join(dir, 'key.pem')) }, access: { verifier: new TokenVerifier({ publicKey: keys.publicKey, registry }) } });
});
afterAll(async () => {
  await srv?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('TLS', () => {
  it('serves HTTPS; tokens are checked as over HTTP', async () => {
    expect(srv.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/api/v1/windows')).status).toBe(401);
    const ok = await get('/api/v1/windows', token);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).windows.length).toBe(2);
  });
});

// The "Done when", end to end through the real CLI on a simulated day: ingest --areas raises
// alerts → audit head prints a signed head → audit verify --head passes → an alert's inclusion proof
// checks offline with only the public key → deleting one alert row with plain SQL makes verify fail
// naming the alert; tokens → serve: 401 without a token, 200 with alerts:read, 403 with heatmap:read
// only, every access in the serve ledger. Then witnesses over Kafka: heads published, consistency
// checked, a forked history raises the alarm.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbLedger } from '../../src/audit/duckdb/duckdb-ledger.ts';
import { loadOrCreateEd25519Key } from '../../src/audit/keys/ed25519-key-file.ts';
import { ensureBroker, uniqueTopic } from '../kafka/broker.ts';
import { NIL_DISTRICTS } from '../http/fixture.ts';
import { cli, spawnCli } from '../support/cli.ts';

const broker = await ensureBroker();
let dir: string;
let env: NodeJS.ProcessEnv;
let db: string;
let ingestErr: string;

function disc(lat: number, lon: number, radiusM: number): number[][] {
  const ring = Array.from({ length: 32 }, (_, i) => {
    const a = (2 * Math.PI * i) / 32;
    return [lon + (radiusM * Math.sin(a)) / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + (radiusM * Math.cos(a)) / 111_320];
  });
  return [...ring, ring[0]!];
}

async function run(args: string[]) {
  const r = await cli(args, env);
  if (r.code !== 0) throw new Error(`citypulse ${args.join(' ')} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

async function sql(path: string, statement: string): Promise<unknown[][]> {
  const inst = await DuckDBInstance.create(path);
  const conn = await inst.connect();
  try {
    return (await conn.runAndReadAll(statement)).getRowsJS();
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-trust-'));
  env = { CITYPULSE_KEY_DIR: join(dir, 'keys'), CITYPULSE_KEY: '5eed5eed5eed5eed5eed5eed5eed5eed', CITYPULSE_LEDGER_KEY_FILE: '', CITYPULSE_TOKEN_KEY_FILE: '', CITYPULSE_TOKENS_FILE: '' };
  const sim = join(dir, 'sim');
  await run(['simulate', '--out', sim, '--subscribers', '3000', '--zones', NIL_DISTRICTS, '--seed', '7']);
  const scenarios = JSON.parse(readFileSync(join(sim, 'truth', 'scenarios.json'), 'utf8')) as { id: string; kind: string; zoneName: string; center: { lat: number; lon: number }; expectedPeople: number }[];
  writeFileSync(
    join(dir, 'areas.geojson'),
    JSON.stringify({
      type: 'FeatureCollection',
      features: scenarios.map((s) => ({
        type: 'Feature',
        properties: { id: s.id, name: s.zoneName, capacity: Math.max(1, Math.round(s.expectedPeople * (s.kind === 'stadium' ? 0.8 : 2))) },
        geometry: { type: 'Polygon', coordinates: [disc(s.center.lat, s.center.lon, 1_000)] },
      })),
    }),
  );
  db = join(dir, 'city.duckdb');
  ingestErr = (await run(['ingest', '--from', join(sim, 'events.ndjson'), '--cells', join(sim, 'cells.csv'), '--db', db, '--areas', join(dir, 'areas.geojson'), '--alerts-out', join(dir, 'alerts.ndjson')])).stderr;
}, 300_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the signed ledger through the CLI', () => {
  let alerts: { alert_id: string; seq: number; ledger_index: number }[];

  it('ingest records every alert event (in the alerts transaction) and the run; delivered alerts carry their ledger index', async () => {
    expect(ingestErr).toMatch(/^ledger: created the signing key .*ledger-ed25519\.pem \(0600\)/m);
    expect(ingestErr).toMatch(/^ledger: \d+ entries \(this run: entry \d+\), head signed by key [0-9a-f]{32}$/m);
    alerts = readFileSync(join(dir, 'alerts.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(alerts.length).toBeGreaterThan(3);
    const rows = await sql(db, `SELECT ref, idx::INTEGER FROM ledger WHERE type = 'alert' ORDER BY idx`);
    expect(rows.length).toBe(alerts.length);
    for (const a of alerts) expect(rows).toContainEqual([`alert:${a.alert_id}#${a.seq}`, a.ledger_index]);
    const [[n]] = (await sql(db, 'SELECT count(*)::INTEGER FROM alerts')) as [[number]];
    expect(n).toBe(alerts.length);
    // The key made on this run is recorded first, the run last.
    const ops = ((await sql(db, `SELECT entry FROM ledger WHERE type = 'operation' ORDER BY idx`)) as [string][]).map(([e]) => JSON.parse(e));
    expect(ops.map((e) => e.op)).toEqual(['key_created', 'ingest_run']);
    expect(ops[0].details).toMatchObject({ key: 'ledger', file: 'ledger-ed25519.pem' });
    expect(ops[1].details).toMatchObject({ source: 'events.ndjson', alerts: alerts.length });
  });

  it('audit head prints a signed head; verify --head passes; the public key exports', async () => {
    const head = JSON.parse((await run(['audit', 'head', '--db', db])).stdout);
    expect(Object.keys(head).sort()).toEqual(['key_id', 'log_id', 'root_hash', 'signature', 'size', 'time']);
    expect(head.size).toBe(alerts.length + 2);
    writeFileSync(join(dir, 'head.json'), JSON.stringify(head));
    const pub = await run(['audit', 'public-key', '--out', join(dir, 'ledger.pub.pem')]);
    expect(pub.stderr).toBe(`key id ${head.key_id}\n`);
    expect(readFileSync(join(dir, 'ledger.pub.pem'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const v = await cli(['audit', 'verify', '--db', db, '--head', join(dir, 'head.json'), '--public-key', join(dir, 'ledger.pub.pem')], env);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(new RegExp(`^intact: .*: ${head.size} entries, root ${head.root_hash}, \\d+ signed heads and ${alerts.length} alerts checked`));
  });

  it('an alert inclusion proof checks offline with only the public key; a doctored proof does not', async () => {
    const id = alerts.at(-1)!.alert_id;
    await run(['audit', 'prove', '--db', db, '--alert', id, '--out', join(dir, 'proof.json')]);
    const ok = await cli(['audit', 'check', '--proof', join(dir, 'proof.json'), '--head', join(dir, 'head.json'), '--public-key', join(dir, 'ledger.pub.pem')], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(new RegExp(`^verified: entry \\d+ \\(alert ${id}#0 open\\)`));
    const proof = JSON.parse(readFileSync(join(dir, 'proof.json'), 'utf8'));
    proof.proofs[0].entry = proof.proofs[0].entry.replace(/"level":"\w+"/, '"level":"notice-doctored"');
    writeFileSync(join(dir, 'bad-proof.json'), JSON.stringify(proof));
    const bad = await cli(['audit', 'check', '--proof', join(dir, 'bad-proof.json'), '--head', join(dir, 'head.json'), '--public-key', join(dir, 'ledger.pub.pem')], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/^REJECTED: entry \d+ is not in the tree of size/);
  });

  it('deleting one alert row with plain SQL: verify fails (exit 1) naming the alert', async () => {
    const copy = join(dir, 'tampered.duckdb');
    copyFileSync(db, copy);
    const victim = alerts[1]!;
    await sql(copy, `DELETE FROM alerts WHERE alert_id = '${victim.alert_id}' AND seq = ${victim.seq}`);
    const v = await cli(['audit', 'verify', '--db', copy, '--head', join(dir, 'head.json')], env);
    expect(v.code).toBe(1);
    expect(v.stdout.split('\n')[0]).toBe(`BROKEN: alert ${victim.alert_id}#${victim.seq} (ledger entry ${victim.ledger_index}) was deleted from the alerts table`);
  });

  it('tokens and serve: 401 without a token, 200 with alerts:read, 403 with heatmap:read only; each access in the serve ledger', async () => {
    const duty = (await run(['tokens', 'create', '--db', db, '--name', 'duty-room', '--scopes', 'alerts:read', '--expires', '30d'])).stdout.trim().split('\n').at(-1)!;
    const maps = (await run(['tokens', 'create', '--db', db, '--name', 'maps', '--scopes', 'heatmap:read'])).stdout.trim().split('\n').at(-1)!;
    expect(duty).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await run(['tokens', 'list'])).stdout).toMatch(/^duty-room +\S+ +alerts:read +valid until/m);
    const child = spawnCli(['serve', '--db', db, '--port', '0', '--log', 'off'], env);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d) => {
          out += d;
          const m = /citypulse serve: (http:\/\/\S+\/) /.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
      });
      const status = async (token?: string) => (await fetch(new URL('/api/v1/alerts', url), { headers: token ? { authorization: `Bearer ${token}` } : {} })).status;
      expect(await status()).toBe(401);
      expect(await status(duty)).toBe(200);
      expect(await status(maps)).toBe(403);
      await run(['tokens', 'revoke', '--db', db, '--name', 'duty-room']);
      expect(await status(duty)).toBe(401);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    const entries = ((await sql(`${db}.serve-ledger.duckdb`, 'SELECT entry FROM ledger ORDER BY idx')) as [string][]).map(([e]) => JSON.parse(e));
    expect(entries.map((e) => [e.route, e.token, e.status])).toEqual([
      ['/api/v1/alerts', null, 401],
      ['/api/v1/alerts', 'duty-room', 200],
      ['/api/v1/alerts', 'maps', 403],
      ['/api/v1/alerts', null, 401],
    ]);
    expect((await cli(['audit', 'verify', '--db', `${db}.serve-ledger.duckdb`], env)).code).toBe(0);
    const admin = ((await sql(`${db}.admin-ledger.duckdb`, 'SELECT entry FROM ledger ORDER BY idx')) as [string][]).map(([e]) => JSON.parse(e));
    expect(admin.map((e) => [e.op, e.details.name])).toEqual([['token_created', 'duty-room'], ['token_created', 'maps'], ['token_revoked', 'duty-room']]);
  }, 120_000);
});

describe.skipIf(broker.skipped)('witnesses over Kafka', () => {
  it('keeps heads, checks each new one for consistency, and raises the alarm on a forked history', async () => {
    const topic = uniqueTopic('citypulse-ledger-heads');
    const k = ['--brokers', broker.brokers.join(','), '--topic', topic];
    const admin = `${db}.admin-ledger.duckdb`;
    const state = join(dir, 'witness');
    const witness = () => cli(['audit', 'witness', ...k, '--state', state, '--public-key', join(dir, 'ledger.pub.pem'), '--until-idle', '4s'], env);
    await run(['audit', 'publish', '--db', admin, ...k]);
    const w1 = await witness();
    expect(w1.code).toBe(0);
    expect(w1.stdout).toMatch(/^first +log \S+ size 3 /m);
    // The log grows; the next published head carries a consistency proof from size 3.
    await run(['tokens', 'create', '--db', db, '--name', 'regulator', '--scopes', 'audit:read']);
    await run(['audit', 'publish', '--db', admin, ...k]);
    const w2 = await witness();
    expect(w2.code).toBe(0);
    expect(w2.stdout).toMatch(/^extends +log \S+ size 4 .*size 3 → 4: consistent$/m);
    // The operator rewrites history (entry 0) and re-signs everything with the real key.
    const forked = join(dir, 'forked.duckdb');
    copyFileSync(admin, forked);
    await sql(forked, `UPDATE ledger SET entry = replace(entry, 'duty-room', 'nobody') WHERE idx = 0; DELETE FROM ledger_heads; DELETE FROM ledger WHERE idx > 0`);
    const inst = await DuckDBInstance.create(forked);
    const conn = await inst.connect();
    const { createHash } = await import('node:crypto');
    const [[text]] = (await conn.runAndReadAll('SELECT entry FROM ledger')).getRowsJS() as [[string]];
    await conn.run(`UPDATE ledger SET leaf_hash = '${createHash('sha256').update(Buffer.concat([Buffer.of(0), Buffer.from(text)])).digest('hex')}'`);
    const rows = (await (await DuckDBInstance.create(admin, { access_mode: 'READ_ONLY' })).connect()).runAndReadAll('SELECT entry FROM ledger WHERE idx > 0 ORDER BY idx');
    const key = loadOrCreateEd25519Key(join(dir, 'keys', 'ledger-ed25519.pem'));
    const ledger = new DuckDbLedger({ privateKey: key.privateKey });
    for (const [e] of (await rows).getRowsJS() as [string][]) await ledger.append(conn, [{ entry: JSON.parse(e) }]);
    await ledger.append(conn, [{ entry: { type: 'operation', at: new Date().toISOString(), op: 'retention_run', details: {} } }]);
    conn.closeSync();
    inst.closeSync();
    await run(['audit', 'publish', '--db', forked, ...k]);
    const w3 = await witness();
    expect(w3.code).toBe(1);
    expect(w3.stdout).toMatch(/^ALARM: FORK\/REWRITE: log \S+ size 5 is not an extension of the kept size 4/m);
  }, 120_000);
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { resolveKeyFile } from '../../src/core/key-location.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { keyFingerprint } from '../../src/privacy/key-fingerprint.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { createHmac } from 'node:crypto';
import { buildFixture } from '../sql/fixture.ts';

async function cli(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on('data', (c: Buffer) => chunks.out.push(c));
  err.on('data', (c: Buffer) => chunks.err.push(c));
  const code = await main(argv, { env, stdout: out, stderr: err, stdin: Readable.from(['']), signal: new AbortController().signal });
  return { code, out: Buffer.concat(chunks.out).toString(), err: Buffer.concat(chunks.err).toString() };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-keys-'));
  writeFileSync(join(dir, 'cells.csv'), 'cell_id,lat,lon\n222-01-1001-11,45.4642,9.19\n');
  const ts = 1772409601005;
  writeFileSync(join(dir, 'in.ndjson'), Array.from({ length: 5 }, (_, i) => JSON.stringify({ ts: ts + i, imsi: `22201000000000${i}`, cell: '222-01-1001-11', event: 'tau' })).join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('key management', () => {
  it('the default key file lives in the key dir, never in the current folder', () => {
    expect(resolveKeyFile({ CITYPULSE_KEY_DIR: '/etc/cp' }, 'pseudonym.key')).toBe('/etc/cp/pseudonym.key');
    expect(resolveKeyFile({ XDG_CONFIG_HOME: '/home/u/.config' }, 'pseudonym.key')).toBe('/home/u/.config/citypulse/pseudonym.key');
    expect(resolveKeyFile({}, 'pseudonym.key')).not.toContain(process.cwd() + '/.citypulse');
  });

  it('stores the key fingerprint in db_meta and refuses a run with another key (conflict)', async () => {
    const db = join(dir, 'k.duckdb');
    const args = ['ingest', '--from', join(dir, 'in.ndjson'), '--cells', join(dir, 'cells.csv'), '--db', db];
    const keyA = 'aa'.repeat(16);
    expect((await cli(args, { CITYPULSE_KEY: keyA })).code).toBe(0);
    // Same key, another input (the same input again is refused as a duplicate, issue 9): fine.
    writeFileSync(join(dir, 'in2.ndjson'), readFileSync(join(dir, 'in.ndjson'), 'utf8') + '\n');
    expect((await cli(args.map((a) => (a.endsWith('in.ndjson') ? join(dir, 'in2.ndjson') : a)), { CITYPULSE_KEY: keyA })).code).toBe(0);
    const other = await cli(args, { CITYPULSE_KEY: 'bb'.repeat(16) });
    expect(other.code).not.toBe(0);
    expect(other.err).toMatch(/written with another pseudonymisation key \(fingerprint [0-9a-f]{16}; .* has [0-9a-f]{16}\)/);
    expect(other.err).not.toContain('bb'.repeat(16));
    const conn = await openDatabase(db, { readOnly: true });
    try {
      expect((await conn.connection.runAndReadAll(`SELECT value FROM db_meta WHERE name = 'key_fingerprint'`)).getRowsJS()).toEqual([[keyFingerprint(Buffer.from(keyA, 'hex'))]]);
    } finally {
      conn.close();
    }
  });
});

describe('periodic re-pseudonymisation', () => {
  const key = Buffer.from('cd'.repeat(16), 'hex');
  const DAY = 86_400_000;
  it('HMAC(HMAC(key, epoch), imsi) with epoch = floor(ts / period); without a period the plain HMAC', () => {
    const p = new Pseudonymiser({ key, rotateEveryMs: 30 * DAY });
    const ts = Date.UTC(2026, 2, 2);
    const epoch = Math.floor(ts / (30 * DAY));
    const epochKey = createHmac('sha256', key).update(`citypulse-epoch:${epoch}`).digest();
    expect(p.pseudonym('222010000000001', ts)).toBe(createHmac('sha256', epochKey).update('222010000000001').digest('hex').slice(0, 32));
    expect(p.pseudonym('222010000000001', epoch * 30 * DAY)).toBe(p.pseudonym('222010000000001', (epoch + 1) * 30 * DAY - 1)); // same epoch
    expect(p.pseudonym('222010000000001', (epoch + 1) * 30 * DAY)).not.toBe(p.pseudonym('222010000000001', ts)); // next epoch
    const plain = new Pseudonymiser({ key });
    expect(plain.pseudonym('222010000000001', ts)).toBe(createHmac('sha256', key).update('222010000000001').digest('hex').slice(0, 32));
    expect(() => new Pseudonymiser({ key, rotateEveryMs: 60_000 })).toThrow(/at least 1 hour/);
  });

  it('a database written without rotation refuses a run with --rotate-every (and the other way round)', async () => {
    const db = join(dir, 'rot.duckdb');
    const args = ['ingest', '--from', join(dir, 'in.ndjson'), '--cells', join(dir, 'cells.csv'), '--db', db];
    const env = { CITYPULSE_KEY: 'cd'.repeat(16) };
    expect((await cli(args, env)).code).toBe(0);
    const r = await cli([...args, '--rotate-every', '30d'], env);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/another pseudonymisation key .*\/rotate-2592000000ms/);
  });
});

describe('citypulse release', () => {
  it('--help, bad flags named, --out must differ from --db', async () => {
    expect((await cli(['release', '--help'])).out).toMatch(/Usage: citypulse release --db RAW.duckdb --out ANALYST.duckdb/);
    const raw = join(dir, 'fx.duckdb');
    (await buildFixture(raw)).close();
    expect((await cli(['release', '--db', raw, '--out', join(dir, 'a.duckdb'), '--k', '1'])).err).toMatch(/--k must be an integer ≥ 2, got 1/);
    expect((await cli(['release', '--db', raw, '--out', join(dir, 'a.duckdb'), '--strategy', 'x'])).err).toMatch(/--strategy must be one of pass-up, merge/);
    expect((await cli(['release', '--db', raw, '--out', raw])).err).toMatch(/--out must differ from --db/);
    expect((await cli(['release', '--db', join(dir, 'nope.duckdb'), '--out', join(dir, 'a.duckdb')])).err).toMatch(/--db .*nope.duckdb: no such file/);
  });

  it('the summary gives the cost per resolution and zone system (the fixture of test/sql, by hand)', async () => {
    const raw = join(dir, 'fx2.duckdb');
    (await buildFixture(raw)).close();
    const r = await cli(['release', '--db', raw, '--out', join(dir, 'fx2-analyst.duckdb')]);
    expect(r.code, r.err).toBe(0);
    // 4 windows, 194 device-presences: LW1 55, LW2 50, W1 50, W2 39; every one in some element (res 5);
    // res 9 shows c1 30 (LW1) and c3 25 (W1) only → 194 − 55 = 139 withheld at res 9 (71.65 %)
    expect(r.out).toMatch(/release {2}4 windows, 6 elements of ≥ 20 people/);
    expect(r.out).toMatch(/withheld 0 of 194 device-presences/);
    expect(r.out).toMatch(/cost {5}res 9 +71\.65% withheld \(139 of 194\)/);
  });

  it('DP mode records the ε spent per day; --budget shows it', async () => {
    const raw = join(dir, 'fx3.duckdb');
    (await buildFixture(raw)).close();
    const r = await cli(['release', '--db', raw, '--out', join(dir, 'fx3-analyst.duckdb'), '--dp-epsilon', '0.5']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/\(DP, ε 0\.5 per window\)/);
    const b = await cli(['release', '--budget', '--db', raw]);
    // two windows on 2026-02-23 and two on 2026-03-02
    expect(b.out).toBe('2026-02-23  ε spent 1.000 over 2 windows in 1 releases\n2026-03-02  ε spent 1.000 over 2 windows in 1 releases\n');
  });
});

// A release (export) is recorded in the admin ledger beside the database: what, parameters, k, the
// SHA-256 of the file written and for whom; `audit verify` checks that ledger; an edited file no
// longer matches its recorded hash.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSmallDb } from '../http/fixture.ts';
import { cli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'citypulse-release-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('citypulse export heatmap --for', () => {
  it('records the release with the file hash in <db>.admin-ledger.duckdb', async () => {
    const db = join(dir, 'small.duckdb');
    await buildSmallDb(db);
    const env = { CITYPULSE_KEY_DIR: join(dir, 'keys') };
    const out = join(dir, 'heat.csv');
    const r = await cli(['export', 'heatmap', '--db', db, '--out', out, '--res', '9', '--k', '20', '--for', 'civil-protection'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ledger   release recorded as entry 1 of .*small\.duckdb\.admin-ledger\.duckdb$/m);
    const inst = await DuckDBInstance.create(`${db}.admin-ledger.duckdb`, { access_mode: 'READ_ONLY' });
    const conn = await inst.connect();
    const entries = (await conn.runAndReadAll('SELECT entry FROM ledger ORDER BY idx')).getRowsJS().map(([e]) => JSON.parse(e as string));
    conn.closeSync();
    inst.closeSync();
    // The key made on this run first, then the release.
    expect(entries.map((e) => e.op ?? e.type)).toEqual(['key_created', 'release']);
    expect(entries[1]).toMatchObject({
      type: 'release',
      what: 'heatmap',
      k: 20,
      for: 'civil-protection',
      params: { format: 'csv', res: '9', from: null, to: null },
      files: [{ name: 'heat.csv', sha256: createHash('sha256').update(readFileSync(out)).digest('hex') }],
    });
    const v = await cli(['audit', 'verify', '--db', `${db}.admin-ledger.duckdb`], env);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/^intact: .*: 2 entries/);
  }, 60_000);
});

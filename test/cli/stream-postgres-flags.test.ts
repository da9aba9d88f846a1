// `citypulse stream --postgres`: a bad URL and an unreachable server fail at once with one line that
// names the flag (and never prints the password), before any Kafka connection.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'citypulse-pg-flags-'));
const cells = join(dir, 'cells.csv');
writeFileSync(cells, 'cell_id,lat,lon\nc1,45.4642,9.19\n');
const env = { CITYPULSE_KEY: 'a3f1c2e4b5d6a7980112233445566778', CITYPULSE_LEDGER_KEY_FILE: '', CITYPULSE_KEY_DIR: join(dir, 'keys'), CITYPULSE_BROKERS: '127.0.0.1:1' };
const args = (url: string, extra: string[] = []) => ['stream', '--topics', 't', '--cells', cells, '--db', join(dir, 'x.duckdb'), '--no-ledger', '--postgres', url, ...extra];
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stream --postgres flags', () => {
  it('a URL that is not postgres:// exits 2 naming --postgres', async () => {
    const r = await cli(args('mysql://u:secret@db/x'), env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/citypulse stream: --postgres must start with postgres:\/\/ or postgresql:\/\//);
    expect(r.stderr).not.toContain('secret');
  });

  it('a bad --postgres-schema exits 2 naming it', async () => {
    const r = await cli(args('postgres://u@127.0.0.1:1/x', ['--postgres-schema', 'Drop Table']), env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--postgres-schema must be a lower-case identifier/);
  });

  it('an unreachable server exits 1 naming --postgres, the password masked', async () => {
    const r = await cli(args('postgres://u:secret@127.0.0.1:1/x'), env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/citypulse stream: --postgres postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/x: connecting failed: .*ECONNREFUSED/);
    expect(r.stderr).not.toContain('secret');
  });

  it('--help documents the flags', async () => {
    const r = await cli(['stream', '--help'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--postgres URL .*exactly once/s);
    expect(r.stdout).toMatch(/--postgres-schema NAME/);
  });
});

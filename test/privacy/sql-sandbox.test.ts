import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openAnalystDatabase } from '../../src/sql/open-analyst-database.ts';
import { buildFixture } from '../sql/fixture.ts';

async function cli(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  out.on('data', (c: Buffer) => chunks.out.push(c));
  err.on('data', (c: Buffer) => chunks.err.push(c));
  const code = await main(argv, { env: {}, stdout: out, stderr: err, stdin: Readable.from([stdin]), signal: new AbortController().signal });
  return { code, out: Buffer.concat(chunks.out).toString(), err: Buffer.concat(chunks.err).toString() };
}

let dir: string;
let raw: string;
let analyst: string;
let lake: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-sandbox-'));
  raw = join(dir, 'raw.duckdb');
  (await buildFixture(raw)).close();
  analyst = join(dir, 'analyst.duckdb');
  const r = await cli(['release', '--db', raw, '--out', analyst]);
  expect(r.code, r.err).toBe(0);
  lake = join(dir, 'lake');
  mkdirSync(lake);
  writeFileSync(join(lake, 'x.csv'), 'a,b\n1,2\n');
  writeFileSync(join(dir, 'secret.csv'), 'a\nsecret\n');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sql run is sandboxed (the attacks of issue 10)', () => {
  const attacks: [string, string][] = [
    ['COPY over the database', `COPY (SELECT 'x') TO '${'ANALYST'}' (FORMAT csv)`],
    ['COPY sub-k rows to a file', `COPY (SELECT * FROM release_heatmap) TO '${'OUT'}' (FORMAT csv)`],
    ['read /etc/passwd', `SELECT * FROM read_text('/etc/passwd')`],
    ['read a file outside the allow-list', `SELECT * FROM read_csv('${'SECRET'}')`],
    ['climb out of the lake', `SELECT * FROM read_csv('${'LAKE'}/../secret.csv')`],
    ['ATTACH the raw database', `ATTACH '${'RAW'}' AS r`],
    ['INSTALL an extension', 'INSTALL h3'],
    ['LOAD an extension', 'LOAD httpfs'],
    ['SET to undo the sandbox', 'SET enable_external_access = true'],
    ['CREATE a table', 'CREATE TABLE t AS SELECT 1'],
    ['EXPORT DATABASE', `EXPORT DATABASE '${'OUT'}'`],
    ['glob the file system', `SELECT * FROM glob('/etc/*')`],
  ];
  for (const [what, template] of attacks) {
    it(`refuses: ${what}`, async () => {
      const out = join(dir, `out-${what.replaceAll(' ', '-')}`);
      const sql = template.replace('ANALYST', analyst).replace('OUT', out).replace('SECRET', join(dir, 'secret.csv')).replace('LAKE', lake).replace('RAW', raw);
      const before = readFileSync(analyst);
      const r = await cli(['sql', 'run', '-', '--db', analyst, '--allow', lake, '--format', 'csv'], sql);
      expect(r.code, r.out).not.toBe(0);
      expect(r.err).toMatch(/refused|disabled by configuration|Permission Error|read-only|locked/);
      expect(r.out).not.toMatch(/root:|secret/);
      expect(existsSync(out)).toBe(false);
      expect(readFileSync(analyst).equals(before)).toBe(true);
    });
  }

  it('the engine itself holds without the statement check: DuckDB refuses writes, attaches, reads outside the list and SET', async () => {
    const db = await openAnalystDatabase(analyst, { allowDirectories: [lake] });
    try {
      const c = db.connection;
      await expect(c.run(`COPY (SELECT 1) TO '${join(dir, 'x.csv')}'`)).rejects.toThrow(/disabled by configuration/);
      await expect(c.run(`SELECT * FROM read_text('/etc/passwd')`)).rejects.toThrow(/disabled by configuration/);
      await expect(c.run(`ATTACH '${raw}' AS r`)).rejects.toThrow(/disabled by configuration/);
      await expect(c.run('SET enable_external_access = true')).rejects.toThrow(/locked/);
      await expect(c.run('LOAD httpfs')).rejects.toThrow(/disabled/);
      await expect(c.run('CREATE TABLE t AS SELECT 1')).rejects.toThrow(/read-only/);
      // the allow-list works: the lake is readable
      expect((await c.runAndReadAll(`SELECT a FROM read_csv('${join(lake, 'x.csv')}')`)).getRowsJS()).toEqual([[1n]]);
    } finally {
      db.close();
    }
  });

  it('allowed: queries of the analyst database and of the lake; parquet to --out', async () => {
    const q = await cli(['sql', 'run', '-', '--db', analyst, '--allow', lake, '--format', 'csv'], `SELECT count(*) AS n FROM release_heatmap WHERE present < 20`);
    expect(q).toMatchObject({ code: 0, out: 'n\n0\n' });
    const l = await cli(['sql', 'run', '-', '--db', analyst, '--allow', lake, '--format', 'csv'], `SELECT b FROM read_csv('${join(lake, 'x.csv')}')`);
    expect(l).toMatchObject({ code: 0, out: 'b\n2\n' });
    const pq = join(dir, 'h.parquet');
    const p = await cli(['sql', 'run', 'heatmap', '--db', analyst, '--param', 'res=8', '--format', 'parquet', '--out', pq]);
    expect(p.code, p.err).toBe(0);
    expect(statSync(pq).size).toBeGreaterThan(0);
  });

  it('a raw database answers ad-hoc SQL only with --raw, which says so', async () => {
    const r = await cli(['sql', 'run', '-', '--db', raw, '--format', 'csv'], 'SELECT present FROM presence WHERE present < 5');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const op = await cli(['sql', 'run', '-', '--db', raw, '--format', 'csv', '--raw'], 'SELECT count(*) AS n FROM presence WHERE present < 5');
    expect(op).toMatchObject({ code: 0, out: 'n\n3\n' }); // c4 3, c5 2, c2 4
    expect(op.err).toMatch(/notice: --raw/);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { big, buildFixture, fixtureCellCsv } from './fixture.ts';

/** Runs `citypulse ...argv` in-process; resolves to the exit code and what it wrote. */
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
let dbPath: string;
let cells: Awaited<ReturnType<typeof buildFixture>>['cells'];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-sql-cli-'));
  dbPath = join(dir, 'fixture.duckdb');
  const db = await buildFixture(dbPath);
  cells = db.cells;
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('citypulse sql', () => {
  it('list: every query with purpose and parameters with defaults', async () => {
    const { code, out } = await cli(['sql', 'list']);
    expect(code).toBe(0);
    expect(out).toMatch(/^heatmap {2}population heatmap/m);
    expect(out).toMatch(/^ {4}res INTEGER = 8 +H3 resolution/m);
    expect(out).toMatch(/^ {4}zone_system VARCHAR +\(required\)/m);
  });

  it('--help everywhere', async () => {
    for (const argv of [['sql', '--help'], ['sql', 'run', '--help'], ['sql', 'list', '-h']]) {
      const { code, out } = await cli(argv);
      expect(code).toBe(0);
      expect(out).toContain('Usage: citypulse sql list');
    }
  });

  it('run NAME --db --format json: exact 64-bit integers, opened read-only', async () => {
    const { code, out, err } = await cli(['sql', 'run', 'heatmap', '--db', dbPath, '--param', 'res=9', '--param', 'k=20', '--format', 'json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`"h3":${big(cells.c1)},"h3_hex":"${cells.c1}","res":9,"present":30}`);
    expect(out.startsWith('[\n{"window_start":"2026-02-23T08:00:00.000Z"')).toBe(true);
  });

  it('run with the table format and with csv to --out', async () => {
    const table = await cli(['sql', 'run', 'top_cells', '--db', dbPath, '--param', 'k=20']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^rank +h3 +h3_hex +peak_present/);
    expect(table.out).toMatch(/\(2 rows\)\n$/);
    const out = join(dir, 'out', 'zones.csv');
    const csv = await cli(['sql', 'run', 'zone_totals', '--db', dbPath, '--param', 'zone_system=test', '--format', 'csv', '--out', out]);
    expect(csv.code).toBe(0);
    expect(readFileSync(out, 'utf8').split('\n')[1]).toBe('A,Zone A,2,1,2,27.5,30,2026-02-23T08:00:00.000Z,27.5');
  });

  it('run FILE and run - (stdin); raw tables need --raw; without --db a query reading tables is an error naming --db', async () => {
    const refused = await cli(['sql', 'run', '-', '--db', dbPath, '--format', 'csv'], 'SELECT count(*) AS n FROM presence');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/raw operator database: analysts query the released data .* operators pass --raw/);
    const stdin = await cli(['sql', 'run', '-', '--db', dbPath, '--format', 'csv', '--raw'], 'SELECT count(*) AS n FROM presence');
    expect(stdin.out).toBe('n\n12\n');
    expect(stdin.err).toMatch(/notice: --raw: reading the raw tables/);
    // Issue 9: this used to answer [] from an empty in-memory database, as if the city were empty.
    const noDb = await cli(['sql', 'run', 'heatmap', '--format', 'json']);
    expect(noDb).toMatchObject({ code: 2, out: '' });
    expect(noDb.err).toMatch(/^citypulse sql: query heatmap reads the table \w+: give --db FILE/);
    expect(noDb.err.trim().split('\n')).toHaveLength(1);
    // Scratch SQL without tables still runs in memory.
    expect((await cli(['sql', 'run', '-', '--format', 'csv'], 'SELECT 6 * 7 AS n')).out).toBe('n\n42\n');
    const file = await cli(['sql', 'run', join(import.meta.dirname, '../../sql/dq_late_events.sql'), '--db', dbPath, '--format', 'csv']);
    expect(file.out.split('\n')[1]).toBe('2026-03-02T08:00:00.000Z,k:0,3,2,60,180');
  });

  it('parquet needs --out and keeps h3 as UBIGINT', async () => {
    expect((await cli(['sql', 'run', 'heatmap', '--format', 'parquet'])).code).toBe(2);
    const path = join(dir, 'heat.parquet');
    const r = await cli(['sql', 'run', 'heatmap', '--db', dbPath, '--param', 'res=9', '--format', 'parquet', '--out', path]);
    expect(r.code).toBe(0);
    expect(existsSync(path)).toBe(true);
    const db = await openDatabase(':memory:', { createSchema: false, h3: false });
    try {
      const back = await db.connection.runAndReadAll(`SELECT typeof(h3), count(*) FROM read_parquet('${path}') GROUP BY 1`);
      expect(back.getRowsJS()).toEqual([['UBIGINT', 2n]]); // the release's res-9 elements: LW1 c1 30, W1 c3 25 (test/sql/queries.test.ts)
    } finally {
      db.close();
    }
  });

  it('errors: unknown and missing parameters, k < 2, unknown query, bad --param', async () => {
    const unknown = await cli(['sql', 'run', 'heatmap', '--db', dbPath, '--param', 'resolution=8']);
    expect(unknown.code).toBe(2); // the user's input: exit 2 (issue 9, one error base)
    expect(unknown.err).toMatch(/unknown parameter resolution for query heatmap/);
    const missing = await cli(['sql', 'run', 'zone_timeseries', '--db', dbPath]);
    expect(missing.err).toMatch(/missing parameters zone_system, zone/);
    expect((await cli(['sql', 'run', 'heatmap', '--db', dbPath, '--param', 'k=1'])).err).toMatch(/must be an integer ≥ 2, got 1/);
    expect((await cli(['sql', 'run', 'nope'])).err).toMatch(/unknown query "nope"/);
    expect((await cli(['sql', 'run', 'heatmap', '--param', 'k'])).code).toBe(2);
    expect((await cli(['sql', 'run', 'heatmap', '--db', join(dir, 'missing.duckdb')])).err).toMatch(/no such file/);
  });

  it('cells load fills the cell table dq_silent_cells reads', async () => {
    const csv = join(dir, 'cells.csv');
    writeFileSync(csv, fixtureCellCsv());
    const load = await cli(['cells', 'load', csv, '--db', dbPath]);
    expect(load.err).toBe('');
    expect(load.out).toMatch(/4 cells \(4 versions\) .* H3 res 9/);
    const silent = await cli(['sql', 'run', 'dq_silent_cells', '--db', dbPath, '--format', 'json']);
    expect(silent.out).toBe(`[\n{"h3":${big(cells.c4)},"h3_hex":"${cells.c4}","reference_events":200,"reference_windows":1,"last_seen":"2026-02-23T08:15:00.000Z","antennas":["a4"]}\n]\n`);
    expect((await cli(['cells', 'load', csv, '--db', dbPath, '--res', '8'])).err).toMatch(/--res 8 differs from the base resolution 9/);
  });
});

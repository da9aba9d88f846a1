// Issue 9: `ingest` twice into one --db silently doubled every count; --from DIR failed after creating
// the database; data that is all dead-lettered exited 0; the help pointed at a file the demo never writes.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { ROOT } from '../support/cli.ts';
import { runMain } from './support/run-main.ts';

let dir: string;
let events: string;
let cells: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-ingest-twice-'));
  const sim = await runMain(['simulate', '--out', join(dir, 'sim'), '--subscribers', '150', '--seed', '7', '--start', '2026-03-02T00:00:00Z']);
  expect(sim.code).toBe(0);
  events = join(dir, 'sim', 'events.ndjson');
  cells = join(dir, 'sim', 'cells.csv');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function totals(db: string): Promise<{ rows: number; present: number; keys: number; runs: number }> {
  const d = await openDatabase(db, { readOnly: true, createSchema: false, h3: false });
  try {
    const r = await d.connection.runAndReadAll(
      `SELECT count(*)::INTEGER, coalesce(sum(present), 0)::INTEGER, count(DISTINCT (window_start, h3))::INTEGER, (SELECT count(*)::INTEGER FROM ingest_runs) FROM presence`,
    );
    const [rows, present, keys, runs] = r.getRowsJS()[0] as number[];
    return { rows: rows!, present: present!, keys: keys!, runs: runs! };
  } finally {
    d.close();
  }
}

describe('ingest into a database that already holds runs', () => {
  it('refuses the same input again — by path, as a copy, on stdin — and counts stay those of one run', async () => {
    const db = join(dir, 'twice.duckdb');
    const first = await runMain(['ingest', '--from', events, '--cells', cells, '--db', db]);
    expect(first.code).toBe(0);
    const once = await totals(db);
    expect(once.rows).toBe(once.keys); // one row per (window, cell)
    expect(once.runs).toBe(1);

    const again = await runMain(['ingest', '--from', events, '--cells', cells, '--db', db]);
    expect(again.code).toBe(2);
    expect(again.err).toMatch(new RegExp(`citypulse ingest: this input was already ingested into ${db} \\(${events}, at .* UTC\\); ingesting it again would count every device twice — use --replace`));
    const copy = join(dir, 'renamed.ndjson');
    copyFileSync(events, copy);
    expect((await runMain(['ingest', '--from', copy, '--cells', cells, '--db', db])).code).toBe(2);
    const stdin = await runMain(['ingest', '--from', '-', '--cells', cells, '--db', db], { stdin: readFileSync(events, 'utf8') });
    expect(stdin.code).toBe(2);
    expect(stdin.err).toMatch(/this input was already ingested/);
    expect(await totals(db)).toEqual(once); // the stdin run was rolled back whole
  });

  it('refuses window settings other than those the database holds, naming the flag', async () => {
    const db = join(dir, 'window.duckdb');
    expect((await runMain(['ingest', '--from', events, '--cells', cells, '--db', db])).code).toBe(0);
    const before = await totals(db);
    const other = join(dir, 'first-lines.ndjson');
    writeFileSync(other, readFileSync(events, 'utf8').split('\n').slice(0, 200).join('\n') + '\n');
    for (const [flag, value, held] of [['--window', '10m', '15m'], ['--lateness', '2m', '5m'], ['--presence-timeout', '30m', '60m'], ['--res', '8', '9']] as const) {
      const r = await runMain(['ingest', '--from', other, '--cells', cells, '--db', db, flag, value]);
      expect(r.code, flag).toBe(2);
      expect(r.err).toMatch(`${flag} ${value} differs from the ${held} of the runs already in ${db}`);
    }
    expect(await totals(db)).toEqual(before);
    // Another input with the same settings appends.
    expect((await runMain(['ingest', '--from', other, '--cells', cells, '--db', db])).code).toBe(0);
    expect((await totals(db)).runs).toBe(2);
  });

  it('--replace rebuilds: the counts of a single run, whatever ran before', async () => {
    const db = join(dir, 'replace.duckdb');
    expect((await runMain(['ingest', '--from', events, '--cells', cells, '--db', db])).code).toBe(0);
    const once = await totals(db);
    const r = await runMain(['ingest', '--from', events, '--cells', cells, '--db', db, '--replace', '--window', '15m']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/--replace: rebuilt the pipeline tables, dropping 1 earlier run/);
    expect(await totals(db)).toEqual(once);
  });

  it('--from DIR is a usage error before the database exists', async () => {
    const db = join(dir, 'never.duckdb');
    const r = await runMain(['ingest', '--from', join(dir, 'sim'), '--cells', cells, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`citypulse ingest: --from ${join(dir, 'sim')} is a directory; name the NDJSON file in it (the simulator writes ${events}) (see citypulse ingest --help)\n`);
    expect(existsSync(db)).toBe(false);
    expect((await runMain(['ingest', '--from', join(dir, 'none.ndjson'), '--cells', cells, '--db', db])).code).toBe(2);
    expect((await runMain(['ingest', '--from', events, '--cells', join(dir, 'none.csv'), '--db', db])).code).toBe(2);
    expect(existsSync(db)).toBe(false);
  });

  it('a simulated period far in the future: simulate warns, ingest exits 1 having accepted nothing', async () => {
    const sim = await runMain(['simulate', '--out', join(dir, 'future'), '--subscribers', '20', '--seed', '3', '--start', '2100-01-01T00:00:00Z']);
    expect(sim.code).toBe(0);
    expect(sim.err).toMatch(/warning: simulate: the whole simulated period lies more than a day ahead of this machine's clock .* timestamp_out_of_range/);
    const r = await runMain(['ingest', '--from', join(dir, 'future', 'events.ndjson'), '--cells', join(dir, 'future', 'cells.csv'), '--db', join(dir, 'future.duckdb')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/accepted\s+0/);
    expect(r.err).toMatch(/ingest: accepted none of \d+ records from .* \(\d+ dead letters; see the dead_letters table\)/);
    // A normal period gives no warning.
    expect((await runMain(['simulate', '--out', join(dir, 'now'), '--subscribers', '5', '--start', new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10) + 'T00:00:00Z'])).err).not.toMatch(/warning/);
  });

  it('--log-format json: every stderr line of simulate and ingest is a JSON log event', async () => {
    const sim = await runMain(['--log-format', 'json', 'simulate', '--out', join(dir, 'json'), '--subscribers', '10', '--seed', '2', '--start', '2026-03-02T00:00:00Z']);
    const ingest = await runMain(['--log-format', 'json', 'ingest', '--from', join(dir, 'json', 'events.ndjson'), '--cells', join(dir, 'json', 'cells.csv'), '--db', join(dir, 'json.duckdb')]);
    expect([sim.code, ingest.code]).toEqual([0, 0]);
    const events = [sim.err, ingest.err].flatMap((t) => t.trim().split('\n')).map((l) => JSON.parse(l) as { type: string; level: string; time: string });
    expect(events.map((e) => e.type)).toEqual(['progress', 'key.loaded', 'progress', 'ledger.note']);
    for (const e of events) expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(ingest.out).toMatch(/^records in/); // results stay plain text on stdout
  });

  it('the help example names the files the demo writes (out/demo/sim/…)', async () => {
    const help = (await runMain(['ingest', '--help'])).out;
    expect(help).toMatch('citypulse ingest --from out/demo/sim/events.ndjson --cells out/demo/sim/cells.csv --db out/demo/citypulse.duckdb');
    const demo = readFileSync(join(ROOT, 'jobs/main.ts'), 'utf8');
    expect(demo).toMatch("const sim = join(out, 'sim');");
    expect(demo).toMatch("const db = join(out, 'citypulse.duckdb');");
    expect(demo).toMatch(/HELP[\s\S]*--out DIR\s+output folder \(default out\/demo/);
  });
});

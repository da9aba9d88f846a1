// Issue 9: the smaller bugs a new user hits — export extension, merge of the wrong files, jobs list
// waiting for a lock, unknown zone systems, intervals and scripts in sql run, serve's URL, and a
// retried NOT_LEADER logged as an error.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heatmapFormat } from '../../src/cli/commands/export.ts';
import { futureShare } from '../../src/cli/commands/simulate.ts';
import { classifyKafkaLog } from '../../src/ingest/sources/kafka/kafka-client.ts';
import { startHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { buildSmallDb } from '../http/fixture.ts';
import { runMain } from './support/run-main.ts';

let dir: string;
let db: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-cli-bugs-'));
  db = join(dir, 'small.duckdb');
  await buildSmallDb(db);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('export heatmap: the --out extension and --format agree', () => {
  it('hand cases of heatmapFormat', () => {
    expect(heatmapFormat(undefined, 'h.geojson')).toBe('geojson');
    expect(heatmapFormat(undefined, 'h.json')).toBe('geojson');
    expect(heatmapFormat(undefined, 'H.CSV')).toBe('csv');
    expect(heatmapFormat('parquet', 'h.parquet')).toBe('parquet');
    expect(heatmapFormat('csv', 'heatmap')).toBe('csv');
    expect(() => heatmapFormat(undefined, 'h.xlsx')).toThrow('--out h.xlsx: cannot tell the format from the extension .xlsx (heatmaps are written as .geojson, .json, .csv, .parquet)');
    expect(() => heatmapFormat('geojson', 'h.csv')).toThrow('--out h.csv ends in .csv but --format is geojson; name the file .geojson or .json');
    expect(() => heatmapFormat('xlsx', 'h.xlsx')).toThrow('--format must be one of geojson, csv, parquet, got "xlsx"');
  });

  it('--out h.xlsx is refused and writes nothing (it used to write GeoJSON under that name)', async () => {
    const out = join(dir, 'h.xlsx');
    const r = await runMain(['export', 'heatmap', '--db', db, '--out', out]);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
    const ok = await runMain(['export', 'heatmap', '--db', db, '--out', join(dir, 'h.csv'), '--k', '2']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/→ .*h\.csv \(csv\)/);
  });

  it('a repeated --out writes each format from one query: the same files and lines as one export per file', async () => {
    const one: { code: number; out: string; file: string }[] = [];
    for (const ext of ['csv', 'geojson']) {
      const r = await runMain(['export', 'heatmap', '--db', db, '--k', '2', '--out', join(dir, `one.${ext}`)]);
      one.push({ code: r.code, out: r.out, file: readFileSync(join(dir, `one.${ext}`), 'utf8') });
    }
    const both = await runMain(['export', 'heatmap', '--db', db, '--k', '2', '--out', join(dir, 'both.csv'), '--out', join(dir, 'both.geojson')]);
    expect([...one.map((r) => r.code), both.code]).toEqual([0, 0, 0]);
    expect(readFileSync(join(dir, 'both.csv'), 'utf8')).toBe(one[0]!.file);
    expect(readFileSync(join(dir, 'both.geojson'), 'utf8')).toBe(one[1]!.file);
    const lines = (out: string) => out.replaceAll(/one\.|both\./g, 'X.').replaceAll(/entry \d+/g, 'entry N');
    expect(lines(both.out)).toBe(lines(one[0]!.out + one[1]!.out));
    expect(both.out.match(/^ledger /gm)).toHaveLength(2);
    const mixed = await runMain(['export', 'heatmap', '--db', db, '--format', 'csv', '--out', join(dir, 'm.csv'), '--out', join(dir, 'm.geojson')]);
    expect(mixed.code).toBe(2);
    expect(mixed.err).toMatch('--out ' + join(dir, 'm.geojson') + ' ends in .geojson but --format is csv');
  });
});

describe('merge checks its inputs before writing anything', () => {
  it('a file written by ingest, --into among the inputs, a file named twice: clear errors, no output file', async () => {
    const into = join(dir, 'merged.duckdb');
    const ingestFile = await runMain(['merge', '--into', into, db]);
    expect(ingestFile.code).toBe(2);
    expect(ingestFile.err).toMatch(`citypulse merge: ${db} was not written by citypulse stream (it has no presence_partials table)`);
    expect(ingestFile.err).not.toMatch(/Binder Error|Catalog Error/);
    expect(existsSync(into)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('merging'))).toEqual([]);
    const self = await runMain(['merge', '--into', db, db]);
    expect(self).toMatchObject({ code: 2, err: `citypulse merge: --into ${db} is also an input; write the merge to a new file (see citypulse merge --help)\n` });
    expect((await runMain(['merge', '--into', into, db, `${dir}/./small.duckdb`])).err).toMatch(/is named twice/);
    expect((await runMain(['merge', '--into', into, join(dir, 'none.duckdb')])).err).toMatch(/none\.duckdb: no such file/);
    const notDuck = join(dir, 'text.duckdb');
    writeFileSync(notDuck, 'hello');
    expect((await runMain(['merge', '--into', into, notDuck])).err).toMatch(/is not a DuckDB database citypulse can read/);
    expect(existsSync(into)).toBe(false);
  });
});

describe('jobs list reads without waiting for the writer lock', () => {
  it('answers at once while another process holds the file, saying the last runs are unknown', async () => {
    const jobsDb = join(dir, 'jobs.duckdb');
    {
      // Another process holds the file: a child, since DuckDB shares a file within one process.
      const { spawn } = await import('node:child_process');
      const { BIN } = await import('../support/cli.ts');
      const duckdbApi = createRequire(import.meta.url).resolve('@duckdb/node-api');
      const lockHolder = spawn(process.execPath, ['-e', `const {DuckDBInstance}=require(${JSON.stringify(duckdbApi)});DuckDBInstance.create(${JSON.stringify(jobsDb)}).then(()=>{process.stdout.write('held\\n');setInterval(()=>{},1000)})`], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => lockHolder.stdout!.once('data', () => resolve()));
      try {
        const t0 = performance.now();
        const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
          const child = spawn(process.execPath, [BIN, 'jobs', 'list', '--db', jobsDb], { stdio: ['ignore', 'pipe', 'pipe'] });
          let stdout = '';
          child.stdout!.on('data', (d) => (stdout += d));
          child.on('close', (code) => resolve({ code, stdout }));
        });
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/export_heatmaps .* unknown \(database held by another process\)/);
        expect(performance.now() - t0).toBeLessThan(25_000); // it used to wait busyTimeout (30 s) first
      } finally {
        lockHolder.kill('SIGKILL');
      }
    }
  });

  it('a free file: last runs read read-only', async () => {
    const r = await runMain(['jobs', 'list', '--db', db]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/retention .* never/);
  });
});

describe('unknown zone system: one clear error everywhere', () => {
  it('sql run: exit 2, "unknown zone system X (known: …)" (it used to print an empty result)', async () => {
    const r = await runMain(['sql', 'run', 'zone_totals', '--db', db, '--param', 'zone_system=nil', '--format', 'json']);
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toBe('citypulse sql: unknown zone system "nil" (known: none; load one with citypulse zones load)\n');
  });

  it('HTTP: /api/v1/queries/… and /api/v1/zones/…/totals both answer 404 with the same text', async () => {
    const srv = await startHttpServer({ dbPath: db, port: 0, k: 2 });
    try {
      const q = await fetch(new URL('/api/v1/queries/zone_totals?zone_system=nil', srv.url));
      expect(q.status).toBe(404);
      const qBody = (await q.json()) as { error: string; detail: string };
      expect(qBody).toMatchObject({ error: 'not_found', detail: 'unknown zone system "nil" (known: none; load one with citypulse zones load)' });
      const z = await fetch(new URL('/api/v1/zones/nil/totals', srv.url));
      expect(z.status).toBe(404);
      expect(((await z.json()) as { detail: string }).detail).toBe(qBody.detail);
    } finally {
      await srv.close();
    }
  });
});

describe('sql run: scripts and intervals', () => {
  it('several statements run in order, the last result is printed (as the DuckDB CLI does)', async () => {
    // Analyst SQL is queries only (the sandbox of issue 10), so the script is several SELECTs.
    const script = `SELECT 1 AS first;\nSELECT count(*) AS n FROM presence;\nSELECT sum(x) AS total, count(*) AS n FROM (SELECT range AS x FROM range(4) UNION ALL SELECT 10);`;
    const r = await runMain(['sql', 'run', '-', '--db', db, '--raw', '--format', 'csv'], { stdin: script });
    expect(r).toMatchObject({ code: 0, out: 'total,n\n16,5\n' });
  });

  it('intervals print as DuckDB text in table, CSV and JSON (not {"months":0,…})', async () => {
    const sql = `SELECT INTERVAL 90 MINUTE AS a, INTERVAL '1 month 2 days' AS b, (TIMESTAMP '2026-03-02 10:00' - TIMESTAMP '2026-03-01 08:30') AS c`;
    const json = await runMain(['sql', 'run', '-', '--format', 'json'], { stdin: sql });
    expect(json.out).toBe('[\n{"a":"01:30:00","b":"1 month 2 days","c":"1 day 01:30:00"}\n]\n');
    const table = await runMain(['sql', 'run', '-'], { stdin: sql });
    expect(table.out).not.toMatch(/months/);
    expect(table.out).toMatch(/01:30:00\s+1 month 2 days\s+1 day 01:30:00/);
  });
});

describe('serve prints its URL once', () => {
  it('stdout has the URL; the text log line does not repeat it', async () => {
    const { spawnCli } = await import('../support/cli.ts');
    const child = spawnCli(['serve', '--db', db, '--port', '0']);
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const url = await new Promise<string>((resolve) =>
      child.stdout!.on('data', (d) => {
        out += d;
        const m = /citypulse serve: (http:\/\/\S+\/) /.exec(out);
        if (m) resolve(m[1]!);
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
    expect(err).toMatch(/serve {4}listening \(db .*small\.duckdb, read-only, k=20\)/);
    expect((out + err).split(url).length - 1).toBe(2); // the dashboard URL and the API URL beside it, one line
  });
});

describe('simulate: how much of the period the pipeline will refuse', () => {
  it('hand cases of futureShare', () => {
    const now = Date.UTC(2026, 2, 2);
    const day = 86_400_000;
    expect(futureShare(now - 3 * day, now - 2 * day, now)).toBe(0);
    expect(futureShare(now, now + day, now)).toBe(0);
    expect(futureShare(now, now + 3 * day, now)).toBeCloseTo(2 / 3);
    expect(futureShare(now + 10 * day, now + 11 * day, now)).toBe(1);
  });
});

describe('publish: a retried NOT_LEADER is a warning, not an error', () => {
  it('classifyKafkaLog', () => {
    const notLeader = classifyKafkaLog(logLevel.ERROR, { message: '[Connection] Response Produce(key: 0, version: 7)', error: 'This server is not the leader for that topic-partition' });
    expect(notLeader).toEqual({ level: 'warn', message: '[Connection] Response Produce(key: 0, version: 7) (This server is not the leader for that topic-partition) — retried' });
    expect(classifyKafkaLog(logLevel.ERROR, { message: 'x', error: 'NOT_LEADER_OR_FOLLOWER' }).level).toBe('warn');
    expect(classifyKafkaLog(logLevel.ERROR, { message: 'x', error: 'boom', retriable: true }).level).toBe('warn');
    expect(classifyKafkaLog(logLevel.ERROR, { message: 'Connection error', error: 'ECONNREFUSED' })).toEqual({ level: 'error', message: 'Connection error (ECONNREFUSED)' });
    expect(classifyKafkaLog(logLevel.WARN, { message: 'w' }).level).toBe('warn');
    expect(classifyKafkaLog(logLevel.INFO, { message: 'i' }).level).toBe('info');
  });
});

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbJobStore } from '../../src/jobs/store/duckdb-job-store.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { createLakeWriter, lakeLayout } from '../../src/outputs/lake/index.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';
import { cli, spawnCli } from '../support/cli.ts';

// Each shipped job against a small simulated day (simulate → ingest → zones load), through the CLI,
// recorded in job_runs. Tests run in order: retention, which destroys, comes last.
const dir = mkdtempSync(join(tmpdir(), 'citypulse-jobs-'));
const db = join(dir, 'citypulse.duckdb');
const outDir = join(dir, 'out');
const lakeDir = join(dir, 'lake');
const config = join(dir, 'jobs.json');
const env = { CITYPULSE_KEY: '0123456789abcdef0123456789abcdef', CITYPULSE_KEY_DIR: join(dir, 'keys') };

async function ok(args: string[]) {
  const r = await cli(args, env);
  if (r.code !== 0) throw new Error(`citypulse ${args.join(' ')} → ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

async function query(sql: string): Promise<unknown[][]> {
  const d = await openDatabase(db, { readOnly: true, h3: false });
  try {
    return (await d.connection.runAndReadAll(sql)).getRowsJS();
  } finally {
    d.close();
  }
}

beforeAll(async () => {
  await ok(['simulate', '--out', join(dir, 'sim'), '--subscribers', '1500', '--bad-rate', '0.01', '--seed', '7']);
  await ok(['ingest', '--from', join(dir, 'sim', 'events.ndjson'), '--cells', join(dir, 'sim', 'cells.csv'), '--db', db, '--lateness', '5s']);
  writeFileSync(config, JSON.stringify({
    db, outDir, lakeDir,
    retries: undefined,
    jobs: {
      export_heatmaps: { options: { res: 8, k: 5, maxWindows: 4 } },
      daily_report: { options: { k: 5 } },
      lake_compaction: { options: { olderThanHours: 1 } },
      retention: { options: { maxAge: '30d' } },
    },
  }));
  // The lake as a stream with the lake plugin would have written it: one part file per window.
  const d = await openDatabase(db, { readOnly: true, h3: false });
  try {
    const rows = (await d.connection.runAndReadAll(
      `SELECT epoch_ms(window_start)::DOUBLE, epoch_ms(window_end)::DOUBLE, printf('%x', h3), res::INTEGER, present, active, events FROM presence`,
    )).getRowsJS() as [number, number, string, number, number, number, number][];
    const lake = createLakeWriter({ dir: lakeDir });
    lake.onWindowsClosed(rows.map(([windowStart, windowEnd, h3, res, present, active, events]): PresenceRow => ({ windowStart, windowEnd, h3, res, present, active, events })));
    await lake.flush(d.connection);
    await lake.close?.();
  } finally {
    d.close();
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('shipped jobs on a simulated day', () => {
  it('export_heatmaps: the latest closed windows as GeoJSON + Kepler CSV, k-anonymised, once', async () => {
    const r = await ok(['jobs', 'run', 'export_heatmaps', '--for', '2026-03-02T18:01:00Z', '--config', config]);
    expect(r.stdout).toMatch(/export_heatmaps for 2026-03-02T18:01:00.000Z: succeeded after 1 attempt/);
    const files = readdirSync(join(outDir, 'heatmaps')).sort();
    expect(files).toEqual([
      'heatmap_20260302T1700Z_r8.csv', 'heatmap_20260302T1700Z_r8.geojson', 'heatmap_20260302T1715Z_r8.csv', 'heatmap_20260302T1715Z_r8.geojson',
      'heatmap_20260302T1730Z_r8.csv', 'heatmap_20260302T1730Z_r8.geojson', 'heatmap_20260302T1745Z_r8.csv', 'heatmap_20260302T1745Z_r8.geojson',
    ]);
    const csv = readFileSync(join(outDir, 'heatmaps', 'heatmap_20260302T1745Z_r8.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('window_start,window_end,h3,hex_id,res,lat,lng,present');
    const present = csv.slice(1).map((l) => Number(l.split(',')[7]));
    expect(present.length).toBeGreaterThan(10);
    expect(Math.min(...present)).toBeGreaterThanOrEqual(5);
    const geo = JSON.parse(readFileSync(join(outDir, 'heatmaps', 'heatmap_20260302T1745Z_r8.geojson'), 'utf8'));
    expect(geo.features).toHaveLength(present.length);
    // A second run finds the windows exported and writes nothing.
    await ok(['jobs', 'run', 'export_heatmaps', '--for', '2026-03-02T18:01:00Z', '--config', config]);
    expect(await query(`SELECT status, trigger, rows, json_extract(detail, '$.files')::INTEGER FROM job_runs WHERE job = 'export_heatmaps' ORDER BY started`)).toEqual([
      ['succeeded', 'manual', expect.any(BigInt), 8],
      ['succeeded', 'manual', 0n, 0],
    ]);
  });

  it('daily_report: by coarse hexagon without zones, by district once zones are loaded; inline SVG only', async () => {
    await ok(['jobs', 'run', 'daily_report', '--for', '2026-03-03T02:30:00Z', '--config', config]);
    const file = join(outDir, 'reports', 'daily_2026-03-02.html');
    let html = readFileSync(file, 'utf8');
    expect(html).toContain('By hexagon — H3 resolution 6');
    await ok(['zones', 'load', join(dir, 'sim', 'zones.geojson'), '--name', 'sim_city', '--db', db]);
    await ok(['jobs', 'run', 'daily_report', '--for', '2026-03-03T02:30:00Z', '--config', config]);
    html = readFileSync(file, 'utf8');
    expect(html).toContain('By district — sim_city');
    expect(html).toContain('Dead letters per hour by reason');
    expect(html).toMatch(/Late events \(arrived after their window closed\): <b>[1-9]/);
    expect((html.match(/<svg /g) ?? []).length).toBeGreaterThan(30);
    expect(html).not.toMatch(/<script|<link|src=|href="http/);
    const runs = await query(`SELECT status, rows FROM job_runs WHERE job = 'daily_report' ORDER BY started`);
    expect(runs.map((r) => r[0])).toEqual(['succeeded', 'succeeded']);
    expect(runs[1]![1]).toBe(38n); // the simulated city's zones
  });

  it('every successful run is a signed job_run entry with the SHA-256 of the files it wrote', async () => {
    const ledger = `${db}.admin-ledger.duckdb`;
    const d = await openDatabase(ledger, { readOnly: true, h3: false });
    let entries: { op?: string; details: { job: string; scheduled_for: string; rows: number; files: { name: string; sha256: string }[] } }[];
    try {
      entries = (await d.connection.runAndReadAll('SELECT entry FROM ledger ORDER BY idx')).getRowsJS().map(([e]) => JSON.parse(e as string));
    } finally {
      d.close();
    }
    const runs = entries.filter((e) => e.op === 'job_run').map((e) => e.details);
    expect(runs.map((r) => r.job)).toEqual(['export_heatmaps', 'export_heatmaps', 'daily_report', 'daily_report']);
    expect(runs[0]!.files).toHaveLength(8);
    expect(runs[1]!.files).toEqual([]); // the re-run wrote nothing
    const report = join(outDir, 'reports', 'daily_2026-03-02.html');
    expect(runs[3]).toMatchObject({ scheduled_for: '2026-03-03T02:30:00.000Z', rows: 38, files: [{ name: 'daily_2026-03-02.html', sha256: createHash('sha256').update(readFileSync(report)).digest('hex') }] });
    const v = await cli(['audit', 'verify', '--db', ledger], env);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^intact: /);
  });

  it('lake_compaction: old hour partitions merged into one file each', async () => {
    const hourDirs = () => readdirSync(lakeLayout.presenceDir(lakeDir), { recursive: true }).filter((f) => /hour=\d\d$/.test(String(f)));
    const before = hourDirs().length;
    await ok(['jobs', 'run', 'lake_compaction', '--for', '2026-03-04T00:20:00Z', '--config', config]);
    const files = readdirSync(lakeLayout.presenceDir(lakeDir), { recursive: true }).map(String).filter((f) => f.endsWith('.parquet'));
    expect(files.every((f) => f.endsWith('compacted.parquet'))).toBe(true);
    expect(files).toHaveLength(before);
    const [[rows, detail]] = (await query(`SELECT rows, detail FROM job_runs WHERE job = 'lake_compaction'`)) as [[bigint, string]];
    expect(rows).toBe((await query('SELECT count(*) FROM presence'))[0]![0]);
    expect(JSON.parse(detail).partitions).toBe(before);
  });

  it('jobs start: catches up missed export slots at once, counts them in /metrics (--metrics), SIGTERM stops it cleanly', async () => {
    // A previous scheduler settled the slot 50 minutes ago; the 3 slots since are missed.
    const now = Date.now();
    const last = Math.floor((now - 50 * 60_000) / 900_000) * 900_000 + 60_000;
    const store = new DuckDbJobStore({ path: db });
    await store.insert({ job: 'export_heatmaps', scheduledFor: last, attempt: 1, status: 'succeeded', trigger: 'schedule', owner: 'earlier', started: last, finished: last, rows: 0, error: null, detail: null });
    const only = join(dir, 'start.json');
    const cfg = JSON.parse(readFileSync(config, 'utf8'));
    for (const j of ['release', 'lake_compaction', 'daily_report', 'retention']) cfg.jobs[j] = { ...cfg.jobs[j], enabled: false };
    writeFileSync(only, JSON.stringify(cfg));
    const child = spawnCli(['jobs', 'start', '--config', only, '--metrics', '127.0.0.1:0'], env);
    let stderr = '';
    const expected = Math.floor((now - last) / 900_000);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no catch-up within 30 s:\n${stderr}`)), 30_000);
      child.stderr!.on('data', (d) => {
        stderr += d;
        if ((stderr.match(/succeeded/g) ?? []).length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    // The job metrics count the attempts the log reported.
    const metricsUrl = /metrics at (http:\/\/\S+\/metrics)/.exec(stderr)?.[1];
    expect(metricsUrl, stderr).toBeDefined();
    const text = await (await fetch(metricsUrl!)).text();
    const succeeded = (stderr.match(/succeeded/g) ?? []).length;
    expect(text).toContain(`citypulse_job_runs_total{job="export_heatmaps",outcome="succeeded"} ${succeeded}\n`);
    expect(text).toContain(`citypulse_job_run_duration_seconds_count{job="export_heatmaps"} ${succeeded}\n`);
    expect(text).toMatch(/^citypulse_process_resident_memory_bytes \d+/m);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(stderr).toMatch(/scheduler stopped/);
    const runs = await query(`SELECT trigger, status FROM job_runs WHERE job = 'export_heatmaps' AND owner <> 'earlier' AND trigger <> 'manual'`);
    // (One more when a slot passed while the scheduler was starting.)
    expect(runs.length === expected || runs.length === expected + 1).toBe(true);
    expect(runs.map((r) => r[1])).toEqual(runs.map(() => 'succeeded'));
    // All late but the newest, which is on time when it is less than the grace (5 min) old.
    expect(runs.slice(0, expected - 1).map((r) => r[0])).toEqual(Array.from({ length: expected - 1 }, () => 'catch_up'));
  });

  it('jobs list: schedule, policy and last run of each job', async () => {
    const r = await ok(['jobs', 'list', '--config', config]);
    expect(r.stdout).toMatch(/export_heatmaps\s+yes\s+1-59\/15 \* \* \* \*\s+UTC\s+catch_up/);
    expect(r.stdout).toMatch(/daily_report .* 2026-03-03T02:30Z succeeded/);
    expect(r.stdout).toMatch(/retention .* never/);
  });

  it('retention: deletes data older than maxAge everywhere and records what it deleted', async () => {
    const presence = Number((await query('SELECT count(*) FROM presence'))[0]![0]);
    const outputs = readdirSync(join(outDir, 'heatmaps')).length + readdirSync(join(outDir, 'reports')).length;
    // Cut-off 30 days before 2026-04-10: the whole simulated day (2–3 March) goes; dead letters were
    // ingested today, so they stay.
    await ok(['jobs', 'run', 'retention', '--for', '2026-04-10T03:45:00Z', '--config', config]);
    expect(await query('SELECT count(*) FROM presence')).toEqual([[0n]]);
    expect(Number((await query('SELECT count(*) FROM dead_letters'))[0]![0])).toBeGreaterThan(0);
    const log = Object.fromEntries((await query('SELECT target, deleted FROM retention_log')).map(([t, n]) => [t, Number(n)]));
    expect(log).toMatchObject({ presence, dead_letters: 0, job_runs: 0 });
    expect(log.late_events).toBeGreaterThan(0);
    expect(log.lake).toBeGreaterThan(24);
    expect(log.outputs).toBe(outputs); // every heatmap file and the report
    expect(readdirSync(join(outDir, 'heatmaps'))).toEqual([]);
    expect(existsSync(lakeLayout.presenceDir(lakeDir)) ? readdirSync(lakeLayout.presenceDir(lakeDir)) : []).toEqual([]);
    const [[status, detail]] = (await query(`SELECT status, detail FROM job_runs WHERE job = 'retention'`)) as [[string, string]];
    expect(status).toBe('succeeded');
    expect(JSON.parse(detail)).toMatchObject({ cutoff: '2026-03-11T03:45:00.000Z', deleted: { presence } });
  });
});

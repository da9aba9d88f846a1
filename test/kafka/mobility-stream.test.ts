// The trajectory layer under `stream`: killed with kill -9 several times and restarted, the tables
// stays, trips and od_h3_hourly equal those of `ingest` on the same simulated day (exactly once).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, spawnCli } from '../support/cli.ts';
import { ensureBroker, uniqueTopic } from './broker.ts';

const broker = await ensureBroker();
const dir = mkdtempSync(join(tmpdir(), 'citypulse-mobility-stream-'));
const env = { CITYPULSE_KEY: 'a3f1c2e4b5d6a7980112233445566778', CITYPULSE_BROKERS: broker.brokers.join(',') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TABLES = {
  stays: `SELECT device, epoch_ms(start_ts), epoch_ms(end_ts), epoch_ms(last_ts), h3, round(lat, 9), round(lng, 9), events, oscillations, source, end_reason FROM stays ORDER BY ALL`,
  trips: `SELECT device, origin, destination, epoch_ms(depart_ts), epoch_ms(arrive_ts), depart_uncertainty_s, distance_m FROM trips ORDER BY ALL`,
  od: `SELECT epoch_ms(departure_hour), origin, destination, sum(trips)::INTEGER FROM od_h3_hourly GROUP BY ALL ORDER BY ALL`,
};

async function tables(path: string): Promise<Record<keyof typeof TABLES, string[]>> {
  const inst = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const c = await inst.connect();
  try {
    const out = {} as Record<keyof typeof TABLES, string[]>;
    for (const [k, sql] of Object.entries(TABLES)) out[k as keyof typeof TABLES] = (await c.runAndReadAll(sql)).getRowsJS().map((r) => r.map(String).join('|'));
    return out;
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

describe.skipIf(broker.skipped)('trajectory layer in stream, killed with kill -9 and restarted', () => {
  it.each([
    ['a snapshot with every checkpoint', []],
    ['snapshots once an hour (restarts replay from the first checkpoint of each run)', ['--snapshot-every', '1h']],
    ['--workers 2 (partitions on worker threads), a snapshot with every checkpoint', ['--workers', '2']],
  ])('stays, trips and hourly OD equal those of ingest: %s', async (_name, extra: string[]) => {
    const tag = extra.join('').replace(/[^a-z0-9]/gi, '');
    const simDir = join(dir, `sim${tag}`);
    const sim = await cli(['simulate', '--out', simDir, '--subscribers', '500', '--seed', '11'], env);
    expect(sim.code, sim.stderr).toBe(0);
    const events = join(simDir, 'events.ndjson'), cells = join(simDir, 'cells.csv');
    const refDb = join(dir, `ref${tag}.duckdb`);
    const ing = await cli(['ingest', '--from', events, '--cells', cells, '--db', refDb], env);
    expect(ing.code, ing.stderr).toBe(0);
    const topic = uniqueTopic(`mobility${tag}`);
    const pub = await cli(['publish', '--from', events, '--topic', topic, '--partitions', '3'], env);
    expect(pub.code, pub.stderr).toBe(0);
    const db = join(dir, `stream-${topic}.duckdb`);
    const args = ['stream', '--topics', topic, '--group', `g-${topic}`, '--cells', cells, '--db', db, '--exit-when-idle', '4s', '--partition-idle', '10s', '--checkpoint-every', '200ms', ...extra];
    let killed = 0;
    for (const delay of [3000, 5000, 7000]) {
      const child = spawnCli(args, env);
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      child.stdout!.resume();
      const timer = setTimeout(() => child.kill('SIGKILL'), delay);
      const r = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
      clearTimeout(timer);
      if (r.signal === 'SIGKILL') killed++;
      else expect(r.code, stderr.slice(-2000)).toBe(0);
    }
    expect(killed).toBeGreaterThanOrEqual(1);
    const last = await cli(args, env);
    expect(last.code, last.stderr.slice(-3000)).toBe(0);
    const [ref, got] = [await tables(refDb), await tables(db)];
    expect(ref.trips.length).toBeGreaterThan(200);
    expect(ref.stays.length).toBeGreaterThan(ref.trips.length);
    expect(got.stays).toEqual(ref.stays);
    expect(got.trips).toEqual(ref.trips);
    expect(got.od).toEqual(ref.od);
  }, 300_000);
});

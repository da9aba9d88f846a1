// The traffic layer under `stream`: killed with kill -9 and restarted, its table traffic_hops (and
// so every corridor flow and speed computed from it) equals that of `ingest` on the same simulated
// day with roads (exactly once).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, spawnCli } from '../support/cli.ts';
import { ensureBroker, uniqueTopic } from './broker.ts';

const broker = await ensureBroker();
const dir = mkdtempSync(join(tmpdir(), 'citypulse-traffic-stream-'));
const env = { CITYPULSE_KEY: 'a3f1c2e4b5d6a7980112233445566778', CITYPULSE_BROKERS: broker.brokers.join(',') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function hops(path: string): Promise<string[]> {
  const inst = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const c = await inst.connect();
  try {
    const sql = 'SELECT device, prev_h3, h3, next_h3, epoch_ms(enter_ts), epoch_ms(exit_ts) FROM traffic_hops ORDER BY ALL';
    return (await c.runAndReadAll(sql)).getRowsJS().map((r) => r.map(String).join('|'));
  } finally {
    c.closeSync();
    inst.closeSync();
  }
}

describe.skipIf(broker.skipped)('traffic layer in stream, killed with kill -9 and restarted', () => {
  it('traffic_hops equals that of ingest', async () => {
    const sim = await cli(['simulate', '--out', join(dir, 'sim'), '--subscribers', '500', '--seed', '12', '--roads'], env);
    expect(sim.code, sim.stderr).toBe(0);
    const events = join(dir, 'sim', 'events.ndjson'), cells = join(dir, 'sim', 'cells.csv');
    const refDb = join(dir, 'ref.duckdb');
    const ing = await cli(['ingest', '--from', events, '--cells', cells, '--db', refDb], env);
    expect(ing.code, ing.stderr).toBe(0);
    const topic = uniqueTopic('traffic');
    const pub = await cli(['publish', '--from', events, '--topic', topic, '--partitions', '3'], env);
    expect(pub.code, pub.stderr).toBe(0);
    const db = join(dir, 'stream.duckdb');
    const args = ['stream', '--topics', topic, '--group', `g-${topic}`, '--cells', cells, '--db', db, '--exit-when-idle', '4s', '--partition-idle', '10s', '--checkpoint-every', '200ms'];
    const child = spawnCli(args, env);
    child.stderr!.resume();
    child.stdout!.resume();
    const timer = setTimeout(() => child.kill('SIGKILL'), 4000);
    await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    const last = await cli(args, env);
    expect(last.code, last.stderr.slice(-3000)).toBe(0);
    const [ref, got] = [await hops(refDb), await hops(db)];
    expect(ref.length).toBeGreaterThan(500);
    expect(got).toEqual(ref);
  }, 300_000);
});

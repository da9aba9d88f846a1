import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, cli } from '../support/cli.ts';
import { compareDatabases } from '../support/compare-db.ts';
import { PRESENCE_CHECK_DIFF_SQL } from '../support/presence-check-consumer.ts';
import { writeSyntheticScenario } from '../support/synthetic.ts';
import { ensureBroker, uniqueTopic } from './broker.ts';

const broker = await ensureBroker();
const dir = mkdtempSync(join(tmpdir(), 'citypulse-seam-stream-'));
const env = { CITYPULSE_KEY: 'a3f1c2e4b5d6a7980112233445566778', CITYPULSE_BROKERS: broker.brokers.join(',') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the presence-check stream process; kills it with SIGKILL after `killAfterMs` when given. */
function runSeamStream(cfg: object, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'test/support/stream-presence-check.ts'), JSON.stringify(cfg)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((resolve) => child.on('close', (code, signal) => (clearTimeout(timer), resolve({ code, signal, stderr }))));
}

describe.skipIf(broker.skipped)('device-level seam in stream, killed with kill -9 and restarted', () => {
  it('present rebuilt from per-device outputs equals the presence table, and equals ingest', async () => {
    const sc = writeSyntheticScenario(join(dir, 's'), { seed: 4242, devices: 500, events: 25_000, start: Date.UTC(2026, 2, 2, 5, 0), spacingMs: 800, jitterMs: 45_000, badEvery: 0 });
    const refDb = join(dir, 'ref.duckdb');
    const flags = ['--window', '15m', '--lateness', '5m'];
    const ing = await cli(['ingest', '--from', sc.events, '--cells', sc.cells, '--db', refDb, ...flags], env);
    expect(ing.code, ing.stderr).toBe(0);
    const topic = uniqueTopic('seam');
    const pub = await cli(['publish', '--from', sc.events, '--topic', topic, '--partitions', '3'], env);
    expect(pub.code, pub.stderr).toBe(0);

    const db = join(dir, 'seam.duckdb');
    const cfg = { brokers: broker.brokers, topic, group: `g-${topic}`, cells: sc.cells, db, windowMs: 15 * 60_000, latenessMs: 5 * 60_000, exitWhenIdleMs: 4_000, checkpointIntervalMs: 200 };
    let killed = 0;
    for (const delay of (process.env.SEAM_DELAYS ?? "3000,4500,6000").split(",").filter(Boolean).map(Number)) {
      const r = await runSeamStream(cfg, delay);
      if (r.signal === 'SIGKILL') killed++;
      else expect(r.code, r.stderr.slice(-2000)).toBe(0);
    }
    if (process.env.SEAM_DELAYS === undefined) expect(killed).toBeGreaterThanOrEqual(1);
    const last = await runSeamStream(cfg);
    expect(last.code, last.stderr.slice(-3000)).toBe(0);

    const inst = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
    const c = await inst.connect();
    try {
      expect((await c.runAndReadAll(PRESENCE_CHECK_DIFF_SQL)).getRowsJS()).toEqual([]);
      const [[n, present]] = (await c.runAndReadAll(`SELECT (SELECT count(*) FROM presence_check), (SELECT sum(present) FROM presence)`)).getRowsJS() as [[bigint, bigint]];
      expect(n).toBe(present);
      expect(Number(n)).toBeGreaterThan(2_000);
    } finally {
      c.closeSync();
      inst.closeSync();
    }
    const d = await compareDatabases(refDb, db);
    expect(d.presence).toEqual([]);
  }, 300_000);
});

import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobRun } from '../../src/jobs/run/job-run.ts';
import { DuckDbJobStore } from '../../src/jobs/store/duckdb-job-store.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { FakeClock } from './support/fake-clock.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'citypulse-jobstore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SLOT = Date.parse('2026-03-02T08:00Z');
const base = (over: Partial<JobRun> = {}): JobRun => ({
  job: 'j', scheduledFor: SLOT, attempt: 1, status: 'running', trigger: 'schedule', owner: 'A',
  started: SLOT + 1000, finished: null, rows: null, error: null, detail: null, ...over,
});

describe('DuckDbJobStore', () => {
  it('locks, settles, expires and records in job_runs / job_locks', async () => {
    const clock = new FakeClock(SLOT + 1000);
    const store = new DuckDbJobStore({ path: join(dir, 'store.duckdb'), clock });
    expect(await store.acquire(base(), SLOT + 60_000)).toBe('acquired');
    expect(await store.acquire(base({ owner: 'B' }), SLOT + 60_000)).toBe('held');
    await store.finish(base({ status: 'succeeded', finished: SLOT + 2000, rows: 5, detail: '{"files":2}' }), true);
    expect(await store.acquire(base({ owner: 'B' }), SLOT + 60_000)).toBe('settled');
    expect(await store.acquire(base({ owner: 'B', trigger: 'manual', attempt: 1, started: SLOT + 3000 }), SLOT + 60_000)).toBe('acquired');
    // B dies holding the lock; after expiry A takes over and B's row is abandoned.
    clock.set(SLOT + 61_000);
    expect(await store.acquire(base({ scheduledFor: SLOT + 3_600_000, started: SLOT + 61_000 }), SLOT + 120_000)).toBe('acquired');
    expect([...(await store.lastSettled())]).toEqual([['j', SLOT]]);
    const db = await openDatabase(store.path, { readOnly: true, h3: false });
    try {
      const rows = (await db.connection.runAndReadAll(
        "SELECT owner, status, trigger, rows, detail, strftime(scheduled_for AT TIME ZONE 'UTC', '%H:%M') FROM job_runs ORDER BY started",
      )).getRowsJS();
      expect(rows).toEqual([
        ['A', 'succeeded', 'schedule', 5n, '{"files":2}', '08:00'],
        ['B', 'abandoned', 'manual', null, null, '08:00'],
        ['A', 'running', 'schedule', null, null, '09:00'],
      ]);
      expect((await db.connection.runAndReadAll('SELECT job, owner FROM job_locks')).getRowsJS()).toEqual([['j', 'A']]);
    } finally {
      db.close();
    }
    expect((await store.latestRuns())?.get('j')).toMatchObject({ status: 'running', scheduledFor: SLOT + 3_600_000 });
  });

  for (const mode of ['free', 'hold'] as const) {
    it(`two processes contending for one slot run it once (job ${mode === 'hold' ? 'holds' : 'leaves'} the file)`, async () => {
      const db = join(dir, `contend-${mode}.duckdb`);
      const script = join(import.meta.dirname, 'fixtures', 'contend.ts');
      const outs = await Promise.all(['P1', 'P2'].map((owner) => run(process.execPath, [script, db, owner, '1500', mode])));
      const outcomes = outs.map((o) => JSON.parse(o.stdout) as { owner: string; status: string });
      // The loser finds the lock held, or — when it only got the file after the winner finished — the slot settled.
      const statuses = outcomes.map((o) => o.status).sort();
      expect(statuses[1]).toBe('succeeded');
      expect(['held', 'settled']).toContain(statuses[0]);
      const check = await openDatabase(db, { readOnly: true, h3: false });
      try {
        const rows = (await check.connection.runAndReadAll('SELECT owner, status FROM job_runs')).getRowsJS();
        expect(rows).toEqual([[outcomes.find((o) => o.status === 'succeeded')!.owner, 'succeeded']]);
        expect(Number((await check.connection.runAndReadAll('SELECT count(*) FROM job_locks')).getRowsJS()[0]![0])).toBe(0);
      } finally {
        check.close();
      }
    });
  }
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { odDailyJob } from '../../jobs/od-daily.ts';
import { ensureMobilityTables, writeMobilityRecords } from '../../src/mobility/duckdb/write-mobility-records.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { dayEvents, runConsumer, T0 } from './track-helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'citypulse-od-daily-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('od_daily job', () => {
  it('recomputes yesterday from trips, equal to what streaming published; a tampered streaming row shows', async () => {
    const dbPath = join(dir, 'db.duckdb');
    const r = runConsumer(dayEvents([
      { places: [{ x: 0, y: 0, stayMin: 90 }, { x: 8, y: 0, stayMin: 240 }, { x: 0, y: 0, stayMin: 120 }], gapMin: 20, pingPong: true, fixes: false },
      { places: [{ x: 1, y: 3, stayMin: 60 }, { x: 8, y: 0, stayMin: 200 }, { x: 1, y: 3, stayMin: 120 }], gapMin: 15, pingPong: false, fixes: true },
    ]));
    expect(r.trips.length).toBe(4);
    const db = await openDatabase(dbPath);
    await ensureMobilityTables(db.connection);
    await writeMobilityRecords(db.connection, r.records);
    db.close();
    const env = { db: dbPath, outDir: join(dir, 'out'), lakeDir: join(dir, 'lake'), busyTimeoutMs: 5_000 };
    const ctx = { scheduledFor: T0 + 30 * 3_600_000, attempt: 1, timeZone: 'UTC', signal: new AbortController().signal };
    const res = await odDailyJob.run(ctx, env, odDailyJob.options({}));
    expect(res.detail).toEqual({ days: [{ day: '2026-03-02', trips: 4, rows: res.rows, streamingMismatches: 0 }] });
    // Run again: idempotent (the day is replaced).
    expect((await odDailyJob.run(ctx, env, odDailyJob.options({}))).detail).toEqual(res.detail);
    const db2 = await openDatabase(dbPath);
    await db2.connection.run('UPDATE od_h3_hourly SET trips = trips + 1 WHERE rowid = (SELECT min(rowid) FROM od_h3_hourly)');
    db2.close();
    const again = await odDailyJob.run(ctx, env, odDailyJob.options({}));
    expect((again.detail as { days: { streamingMismatches: number }[] }).days[0]!.streamingMismatches).toBe(1);
    expect(() => odDailyJob.options({ days: 0 })).toThrow(/jobs.od_daily.options.days/);
  });
});

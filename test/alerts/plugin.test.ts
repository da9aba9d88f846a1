import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cellToChildren } from 'h3-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../schemas/alert.ts';
import type { AlertLogEvent } from '../../src/alerts/alert-log.ts';
import { alertLatency } from '../../src/alerts/duckdb/alert-latency.ts';
import { WEEK_MS } from '../../src/alerts/engine/slot-baseline.ts';
import type { AlertingConfig } from '../../src/alerts/plugin/alerting-config.ts';
import { createAlerting, type AlertingPlugin } from '../../src/alerts/plugin/create-alerting.ts';
import { DuckDbSink } from '../../src/outputs/duckdb/duckdb-sink.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { T0, W } from './support/areas.ts';
import { PARK_AREA, STADIUM_AREA, STADIUM_CELLS, presenceRows } from './support/presence.ts';

const SURGE = [1_000, 1_000, 5_000, 20_000, 35_000, 42_000, 50_500, 52_000, 48_000, 30_000, 10_000, 2_000, 1_000, 1_000];
const PARK = [900, 950, 1_000, 980, 1_020, 990, 1_010, 970, 1_000, 1_050, 960, 1_000, 1_000, 990];

let dir: string;
let dbs: Database[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'citypulse-alerts-'));
});
afterEach(async () => {
  for (const d of dbs) d.close();
  dbs = [];
  await rm(dir, { recursive: true, force: true });
});

async function memoryDb(): Promise<Database> {
  const db = await openDatabase(':memory:');
  dbs.push(db);
  return db;
}

/** A clock that advances 3 ms per call: deterministic stamps for the tests. */
function fakeClock(start = Date.UTC(2026, 2, 2, 22, 0)) {
  let t = start;
  return () => (t += 3);
}

/** Drives a plugin like runIngest: one window per batch, then flush and afterCommit. */
async function drive(p: AlertingPlugin, db: Database, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    p.onWindowsClosed(presenceRows(T0 + i * W, SURGE[i]!, PARK[i]!));
    await p.flush(db.connection);
    await p.afterCommit!();
  }
}

async function tableRows(db: Database): Promise<Record<string, unknown>[]> {
  const r = await db.connection.runAndReadAll('SELECT * FROM alerts ORDER BY window_start, area_id, kind, seq');
  return r.getRowObjectsJson() as Record<string, unknown>[];
}

const withoutStamps = (rows: Record<string, unknown>[]) => rows.map(({ window_closed_at: _a, emitted_at: _b, ...rest }) => rest);

describe('createAlerting: DuckDB table and NDJSON', () => {
  const config = (extra: Partial<AlertingConfig> = {}): AlertingConfig => ({ areas: [STADIUM_AREA, PARK_AREA], now: fakeClock(), ...extra });

  it('stores one row per event in flush(conn), appends NDJSON after commit, and raises nothing for the quiet area', async () => {
    const db = await memoryDb();
    const out = join(dir, 'out', 'alerts.ndjson');
    const p = createAlerting(config({ ndjsonPath: out }));
    await drive(p, db, 0, SURGE.length);
    await p.close();
    const rows = await tableRows(db);
    const capacity = rows.filter((r) => r.kind === 'capacity');
    expect(capacity.map((r) => [r.state, r.level, r.people, r.window_start])).toEqual([
      ['open', 'notice', 35_000, '2026-03-02 18:00:00+00'],
      ['escalated', 'warning', 42_000, '2026-03-02 18:15:00+00'],
      ['escalated', 'critical', 50_500, '2026-03-02 18:30:00+00'],
      ['resolved', 'critical', 10_000, '2026-03-02 19:30:00+00'],
    ]);
    expect(new Set(capacity.map((r) => r.alert_id)).size).toBe(1);
    expect(rows.filter((r) => r.area_id === 'park')).toEqual([]);
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Alert);
    expect(lines.map((a) => `${a.alert_id}:${a.seq}`).sort()).toEqual(rows.map((r) => `${r.alert_id}:${r.seq}`).sort());
    expect(lines[0]).toMatchObject({ area_id: 'stadium', area_name: 'San Siro', capacity: 50_000, devices: 35_000, area_km2: 0.74 });
  });

  it('rows are deterministic apart from window_closed_at/emitted_at, and a replay into the same table adds nothing', async () => {
    const a = await memoryDb();
    const b = await memoryDb();
    await drive(createAlerting(config({ now: fakeClock(0) })), a, 0, SURGE.length);
    await drive(createAlerting(config({ now: fakeClock(1e12) })), b, 0, SURGE.length);
    const ra = await tableRows(a);
    expect(withoutStamps(await tableRows(b))).toEqual(withoutStamps(ra));
    // The same input ingested again into the same database: (alert_id, seq) already there.
    const again = createAlerting(config({ now: fakeClock(2e12) }));
    await drive(again, a, 0, SURGE.length);
    expect(again.stats.alerts).toBe(ra.length);
    expect(again.stats.rowsWritten).toBe(0);
    expect(await tableRows(a)).toEqual(ra);
  });

  it('a crash after commit but before afterCommit: restore regenerates nothing twice and still delivers every alert', async () => {
    const whole = await memoryDb();
    await drive(createAlerting(config()), whole, 0, SURGE.length);
    const expected = withoutStamps(await tableRows(whole));

    const db = await memoryDb();
    const out = join(dir, 'alerts.ndjson');
    const first = createAlerting(config({ ndjsonPath: out }));
    await drive(first, db, 0, 5);
    // Window 5 (the escalation to warning): flush + snapshot inside the transaction, commit, crash.
    await db.connection.run('BEGIN');
    first.onWindowsClosed(presenceRows(T0 + 5 * W, SURGE[5]!, PARK[5]!));
    await first.flush(db.connection);
    const saved = JSON.parse(JSON.stringify(first.snapshot()));
    await db.connection.run('COMMIT');
    // ...no afterCommit: the process died. A new one restores the snapshot stored with the offsets.
    const second = createAlerting(config({ ndjsonPath: out }));
    second.restore(saved);
    await drive(second, db, 6, SURGE.length);
    await second.close();
    expect(withoutStamps(await tableRows(db))).toEqual(expected);
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Alert);
    expect(lines.map((a) => `${a.alert_id}:${a.seq}`).sort()).toEqual(expected.map((r) => `${r.alert_id}:${r.seq}`).sort());
  });

  it('a crash before commit: the rolled-back window is evaluated again from the previous snapshot, same alerts', async () => {
    const whole = await memoryDb();
    await drive(createAlerting(config()), whole, 0, SURGE.length);
    const expected = withoutStamps(await tableRows(whole));

    const db = await memoryDb();
    const first = createAlerting(config());
    await drive(first, db, 0, 6);
    const saved = JSON.parse(JSON.stringify(first.snapshot()));
    await db.connection.run('BEGIN');
    first.onWindowsClosed(presenceRows(T0 + 6 * W, SURGE[6]!, PARK[6]!));
    await first.flush(db.connection);
    await db.connection.run('ROLLBACK');
    const second = createAlerting(config());
    second.restore(saved);
    await drive(second, db, 6, SURGE.length);
    expect(withoutStamps(await tableRows(db))).toEqual(expected);
  });

  it('latency: emitted_at − window_closed_at from the table', async () => {
    const db = await memoryDb();
    await drive(createAlerting(config({ now: undefined })), db, 0, SURGE.length);
    const l = await alertLatency(db.connection);
    expect(l.count).toBe((await tableRows(db)).length);
    expect(l.p50Ms).toBeGreaterThanOrEqual(0);
    expect(l.p99Ms).toBeGreaterThanOrEqual(l.p50Ms!);
  });

  it('counts rows finer than the areas in their parent cell, and rejects coarser ones', async () => {
    const db = await memoryDb();
    const p = createAlerting(config({ kinds: ['capacity'] }));
    const children = cellToChildren(STADIUM_CELLS[0]!, 10);
    p.onWindowsClosed(children.map((h3) => ({ windowStart: T0, windowEnd: T0 + W, h3, res: 10, present: 5_000, active: 1, events: 1 })));
    await p.flush(db.connection);
    expect((await tableRows(db)).map((r) => [r.state, r.level, r.devices])).toEqual([['open', 'notice', 35_000]]);
    expect(() => p.onWindowsClosed([{ windowStart: T0 + W, windowEnd: T0 + 2 * W, h3: '881f8d7a49fffff', res: 8, present: 1, active: 1, events: 1 }])).toThrow(/coarser/);
  });
});

describe('createAlerting: weekly baseline from the presence table', () => {
  it('seeds the anomaly baseline from presence history written by earlier runs', async () => {
    const db = await memoryDb();
    const sink = new DuckDbSink({ connection: db.connection });
    for (let k = 1; k <= 4; k++) for (let i = 0; i < 4; i++) sink.presence(presenceRows(T0 + i * W - k * WEEK_MS, 800 + 10 * k, 100));
    await sink.flush();
    const events: AlertLogEvent[] = [];
    const p = createAlerting({ areas: [STADIUM_AREA, PARK_AREA], kinds: ['anomaly'], logger: (e) => events.push(e) });
    for (let i = 0; i < 4; i++) p.onWindowsClosed(presenceRows(T0 + i * W, i === 2 ? 3_000 : 830, 100));
    await p.flush(db.connection);
    expect(events.find((e) => e.type === 'baseline_seeded')).toMatchObject({ windows: 32 });
    const alerts = events.filter((e): e is Extract<AlertLogEvent, { type: 'alert' }> => e.type === 'alert').map((e) => e.alert);
    expect(alerts.map((a) => `${a.area_id} ${a.kind} ${a.state} ${a.level}`)).toEqual(['stadium anomaly open critical']);
    expect(alerts[0]!.baseline_people).toBe(825);
    expect(alerts[0]!.message).toMatch(/^San Siro: anomaly critical — 3,000 people, usually 825 \(z \d+\.\d\)$/);
  });

  it('a restart re-reads the weekly history from the presence table: small snapshots, same alerts', async () => {
    // Five Mondays 17:00–19:00, as `stream` would commit them: presence rows, then the plugin, per window.
    const days = [0, 1, 2, 3, 4].map((k) => T0 + k * WEEK_MS);
    const counts = (k: number, i: number) => (k === 4 && i >= 3 && i <= 5 ? 3_000 + 500 * i : 800 + ((k * 7 + i * 13) % 40));
    const windows = days.flatMap((d, k) => Array.from({ length: 8 }, (_, i) => presenceRows(d + i * W, counts(k, i), 100)));
    async function run(db: Database, from: number, to: number, p: AlertingPlugin): Promise<void> {
      const sink = new DuckDbSink({ connection: db.connection });
      for (const rows of windows.slice(from, to)) {
        sink.presence(rows);
        await sink.flush();
        p.onWindowsClosed(rows);
        await p.flush(db.connection);
        await p.afterCommit!();
      }
    }
    const config = { areas: [STADIUM_AREA, PARK_AREA], now: fakeClock() };
    const whole = await memoryDb();
    const uninterrupted = createAlerting(config);
    await run(whole, 0, windows.length, uninterrupted);
    const expected = withoutStamps(await tableRows(whole));
    expect(expected.filter((r) => r.kind === 'anomaly').map((r) => `${r.state} ${r.level}`)).toEqual(['open critical', 'resolved critical']);

    const db = await memoryDb();
    const first = createAlerting(config);
    await run(db, 0, 35, first);
    const saved = JSON.parse(JSON.stringify(first.snapshot()));
    expect(saved.engine.baseline).toBe(false);
    // Only the trend's last windows travel in the snapshot, not weeks of history.
    for (const [, runs] of saved.engine.history.areas as [string, [number, number[]][]][]) expect(runs.flatMap((r) => r[1]).length).toBeLessThanOrEqual(4);
    expect(uninterrupted.engine.snapshot().history.areas[0]![1].flatMap((r) => r[1]).length).toBeGreaterThan(30);
    const second = createAlerting(config);
    second.restore(saved);
    await run(db, 35, windows.length, second);
    expect(withoutStamps(await tableRows(db))).toEqual(expected);
  });

  it('without history: no anomaly alerts (cold start)', async () => {
    const db = await memoryDb();
    const p = createAlerting({ areas: [STADIUM_AREA], kinds: ['anomaly'] });
    for (let i = 0; i < 4; i++) p.onWindowsClosed(presenceRows(T0 + i * W, i === 2 ? 30_000 : 830, 100));
    await p.flush(db.connection);
    expect(p.stats.alerts).toBe(0);
  });
});

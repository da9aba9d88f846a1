// Visitors-from-one-origin alerts, hand-computed: area_visitors rows in a real (in-memory) DuckDB →
// the alerting plugin with the visitors source → the alerts table and the NDJSON file channel.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../schemas/alert.ts';
import { alertId } from '../../src/alerts/engine/alert-id.ts';
import { createAlerting } from '../../src/alerts/plugin/create-alerting.ts';
import { formatAlertLine } from '../../src/alerts/tail/format-alert-line.ts';
import { visitorOriginAlertSource } from '../../src/alerts/sources/visitor-origin-alert-source.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { writeAreaVisitors } from '../../src/population/duckdb/write-area-visitors.ts';
import { ensurePopulationTables } from '../../src/population/duckdb/write-device-mcc.ts';
import { area, T0, W } from './support/areas.ts';
import { checkSchema } from './support/check-schema.ts';

const schema = JSON.parse(await readFile(new URL('../../schemas/alert.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;

/** Visitors by origin per window; k = 20, rule FR:50 (critical ≥ 100, resolves < 40). */
const SERIES: Record<string, number>[] = [
  { FR: 30, DE: 25 }, //          below the level
  { FR: 60, DE: 25 }, //          opens (warning, 60 visitors)
  { FR: 130, DE: 5 }, //          DE 5 < k pools into `other` = 5 ∈ [1, k): window withheld whole, no escalation
  { FR: 120, DE: 25 }, //         escalates to critical
  { FR: 45, DE: 25 }, //          45 ≥ 0.8 × 50: stays open
  { FR: 10, unknown: 15 }, //     FR pooled (other = 25 ≥ k), so FR reads 0: resolves, count withheld
  { FR: 70, DE: 30 }, //          DE has no rule; FR opens a second incident
];

describe('visitors_origin alerts through the alerting plugin', () => {
  let db: Database;
  let dir: string;
  const emitted: Alert[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'citypulse-visitor-alerts-'));
    db = await openDatabase(':memory:');
    await ensurePopulationTables(db.connection);
    const stadium = area('stadium', 10_000, { name: 'Stadio' });
    const p = createAlerting({
      areas: [stadium],
      kinds: ['capacity'],
      ndjsonPath: join(dir, 'alerts.ndjson'),
      sources: [visitorOriginAlertSource({ areas: [stadium], rules: [{ origin: 'FR', level: 50 }] })],
      logger: (e) => void (e.type === 'alert' && emitted.push(e.alert)),
    });
    // Window by window, as a pipeline does: device outputs stored, then the window closes, then flush.
    for (let i = 0; i < SERIES.length; i++) {
      const ws = T0 + i * W;
      await writeAreaVisitors(db.connection, Object.entries(SERIES[i]!).map(([origin, visitors]) => ({ windowStart: ws, windowEnd: ws + W, areaId: 'stadium', origin, visitors })));
      p.onWindowsClosed([{ windowStart: ws, windowEnd: ws + W, h3: stadium.cells[0]!, res: 9, present: 10, active: 10, events: 10 }]);
      await p.flush(db.connection);
      await p.afterCommit!();
    }
    await p.close();
  });
  afterAll(async () => {
    db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('opens, escalates and resolves once per surge, withheld windows change nothing', () => {
    const first = alertId('stadium', 'visitors_origin', T0 + W, 'FR');
    expect(emitted.map((a) => [a.alert_id, a.seq, a.state, a.level, a.window_start, a.devices, a.value])).toEqual([
      [first, 0, 'open', 'warning', new Date(T0 + W).toISOString(), 60, 60],
      [first, 1, 'escalated', 'critical', new Date(T0 + 3 * W).toISOString(), 120, 120],
      [first, 2, 'resolved', 'critical', new Date(T0 + 5 * W).toISOString(), 0, null],
      [alertId('stadium', 'visitors_origin', T0 + 6 * W, 'FR'), 0, 'open', 'warning', new Date(T0 + 6 * W).toISOString(), 70, 70],
    ]);
    expect(emitted.every((a) => a.kind === 'visitors_origin' && a.origin === 'FR' && a.area_id === 'stadium')).toBe(true);
    expect(emitted[2]!.message).toBe(`Stadio: visitors from FR back below 40 at ${new Date(T0 + 5 * W).toISOString().slice(0, 16)}Z (fewer than 20 visitors)`);
    expect(emitted[0]!.message).toBe(`Stadio: 60 visitors from FR at ${new Date(T0 + W).toISOString().slice(0, 16)}Z (rule FR:50)`);
  });

  it('alerts tail prints the message (no capacity percentage for these kinds)', () => {
    expect(formatAlertLine(emitted[1]!)).toBe('2026-03-02 17:45–18:00Z  escalated    critical  visitors_origin  Stadio: 120 visitors from FR at 2026-03-02T17:45Z (rule FR:50)');
  });

  it('no count below k leaves an alert, and every alert conforms to the schema', () => {
    for (const a of emitted) {
      expect(a.devices === 0 || a.devices >= 20).toBe(true);
      expect(a.people === 0 || a.people >= 20).toBe(true);
      expect(checkSchema(schema, a)).toEqual([]);
    }
  });

  it('lands in the alerts table and the file channel, the same events', async () => {
    const rows = (await db.connection.runAndReadAll(`SELECT alert_id, seq, kind, state FROM alerts ORDER BY window_start, seq`)).getRowsJS();
    expect(rows).toEqual(emitted.map((a) => [a.alert_id, a.seq, 'visitors_origin', a.state]));
    const lines = (await readFile(join(dir, 'alerts.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Alert);
    expect(lines.map((a) => [a.alert_id, a.seq])).toEqual(emitted.map((a) => [a.alert_id, a.seq]));
  });

  it('a restart from the snapshot mid-surge gives the same events (state travels in the plugin snapshot)', async () => {
    const db2 = await openDatabase(':memory:');
    await ensurePopulationTables(db2.connection);
    const stadium = area('stadium', 10_000, { name: 'Stadio' });
    const got: Alert[] = [];
    const make = () => createAlerting({
      areas: [stadium], kinds: ['capacity'],
      sources: [visitorOriginAlertSource({ areas: [stadium], rules: [{ origin: 'FR', level: 50 }] })],
      logger: (e) => void (e.type === 'alert' && got.push(e.alert)),
    });
    let p = make();
    for (let i = 0; i < SERIES.length; i++) {
      if (i === 3) {
        const state = JSON.parse(JSON.stringify(p.snapshot()));
        await p.close();
        p = make();
        p.restore(state);
      }
      const ws = T0 + i * W;
      await writeAreaVisitors(db2.connection, Object.entries(SERIES[i]!).map(([origin, visitors]) => ({ windowStart: ws, windowEnd: ws + W, areaId: 'stadium', origin, visitors })));
      p.onWindowsClosed([{ windowStart: ws, windowEnd: ws + W, h3: stadium.cells[0]!, res: 9, present: 10, active: 10, events: 10 }]);
      await p.flush(db2.connection);
    }
    await p.close();
    db2.close();
    expect(got.map((a) => [a.alert_id, a.seq, a.state])).toEqual(emitted.map((a) => [a.alert_id, a.seq, a.state]));
  });

  it('rejects a rule below 1 and a missing rule', () => {
    expect(() => visitorOriginAlertSource({ areas: [], rules: [] })).toThrow(/no rule/);
    expect(() => visitorOriginAlertSource({ areas: [], rules: [{ origin: 'FR', level: 0 }] })).toThrow(/FR:0/);
  });
});

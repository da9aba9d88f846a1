import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ALERT_KINDS, ALERT_LEVELS, ALERT_STATES, CROWD_ALERT_KINDS, type Alert } from '../../schemas/alert.ts';
import { WEEK_MS } from '../../src/alerts/engine/slot-baseline.ts';
import { createAlerting } from '../../src/alerts/plugin/create-alerting.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { T0, W } from './support/areas.ts';
import { checkSchema } from './support/check-schema.ts';
import { PARK_AREA, STADIUM_AREA, presenceRows } from './support/presence.ts';

const schema = JSON.parse(await readFile(new URL('../../schemas/alert.schema.json', import.meta.url), 'utf8')) as Record<string, any>;

describe('schemas/alert.schema.json', () => {
  it('matches the TypeScript closed sets', () => {
    expect(schema.properties.kind.enum).toEqual([...ALERT_KINDS]);
    expect(schema.properties.level.enum).toEqual([...ALERT_LEVELS]);
    expect(schema.properties.previous_level.enum).toEqual([...ALERT_LEVELS, null]);
    expect(schema.properties.state.enum).toEqual([...ALERT_STATES]);
    // Every property is required but ledger_index (present only when the ledger is on) and origin (visitors_origin only).
    expect(Object.keys(schema.properties).sort()).toEqual([...schema.required, 'ledger_index', 'origin'].sort());
  });

  it('every alert of every crowd kind and state the plugin emits conforms (the other kinds: test/alerts/visitor-origin-source.test.ts, test/e2e/alert-kinds-e2e.test.ts)', async () => {
    const db = await openDatabase(':memory:');
    const alerts: Alert[] = [];
    const stadium = { ...STADIUM_AREA, densityLimit: 50_000 };
    const p = createAlerting({ areas: [stadium, PARK_AREA], logger: (e) => e.type === 'alert' && alerts.push(e.alert) });
    // Four quiet Mondays for the anomaly baseline, then the surge.
    const week = [800, 820, 790, 810, 800, 805, 795, 800];
    for (let k = 4; k >= 1; k--) for (let i = 0; i < week.length; i++) p.onWindowsClosed(presenceRows(T0 + i * W - k * WEEK_MS, week[i]!, 100));
    const surge = [800, 5_000, 35_000, 42_000, 50_500, 38_000, 37_000, 10_000, 2_000, 800];
    for (let i = 0; i < surge.length; i++) p.onWindowsClosed(presenceRows(T0 + i * W, surge[i]!, 100));
    await p.flush(db.connection);
    db.close();
    expect(new Set(alerts.map((a) => a.kind))).toEqual(new Set(CROWD_ALERT_KINDS));
    expect(new Set(alerts.map((a) => a.state))).toEqual(new Set(ALERT_STATES));
    for (const a of alerts) expect(checkSchema(schema, a)).toEqual([]);
    expect(checkSchema(schema, { ...alerts[0], extra: 1, seq: -1 })).toEqual(['$.seq: below 0', '$: unexpected property extra']);
  });
});

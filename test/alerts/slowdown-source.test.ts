// Slowdown alerts, hand-computed: hops on one declared corridor in a real (in-memory) DuckDB → the
// alerting plugin with the slowdown source → events as the closed windows pass each bin + 50 min.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../schemas/alert.ts';
import { alertId } from '../../src/alerts/engine/alert-id.ts';
import { createAlerting, type AlertingPlugin } from '../../src/alerts/plugin/create-alerting.ts';
import { slowdownAlertSource } from '../../src/alerts/sources/slowdown-alert-source.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { ensureTrafficTables, writeHops } from '../../src/traffic/duckdb/write-hops.ts';
import type { Corridor } from '../../src/traffic/engine/corridor.ts';
import type { Hop } from '../../src/traffic/engine/hop.ts';

const M = 60_000;
const T = Date.UTC(2026, 2, 2, 8, 0);
/** Four cells of the simulator's radial 0; the timed hop is cell 1 → cell 2: 820 m. */
const CELLS = ['891f99cc337ffff', '891f99cc32bffff', '891f99cdd8fffff', '891f99cddcfffff'];
const CORRIDOR: Corridor = {
  id: 'r0', source: 'declared', cells: CELLS, entriesM: [0, 840, 1660, 2310], lengthM: 2500, freeFlowKmh: 60,
  geometry: { type: 'LineString', coordinates: [[9.19, 45.49], [9.19, 45.46]] },
};

/** `n` devices crossing cell 1 at `kmh` in the 5-minute bin starting at `bin`. */
function crossings(bin: number, n: number, kmh: number, tag: string): Hop[] {
  const ms = Math.round((820 / kmh) * 3_600);
  return Array.from({ length: n }, (_, i) => ({ device: `${tag}-${i}`, prev: CELLS[0]!, h3: CELLS[1]!, next: CELLS[2]!, enterTs: bin + 10_000 + i * 1_000, exitTs: bin + 10_000 + i * 1_000 + ms }));
}

describe('slowdown alerts through the alerting plugin', () => {
  let db: Database;
  let p: AlertingPlugin;
  const emitted: Alert[] = [];
  /** Closes the 15-minute windows up to `until` and flushes; returns the events of that flush. */
  async function closeUntil(from: number, until: number): Promise<Alert[]> {
    const before = emitted.length;
    for (let w = from; w < until; w += 15 * M) p.onWindowsClosed([{ windowStart: w, windowEnd: w + 15 * M, h3: CELLS[0]!, res: 9, present: 1, active: 1, events: 1 }]);
    await p.flush(db.connection);
    return emitted.slice(before);
  }

  beforeAll(async () => {
    db = await openDatabase(':memory:');
    await ensureTrafficTables(db.connection);
    // Free flow 60 km/h (declared: no night speeds). Congestion 1 − speed/60:
    // 08:00 five at 24 km/h → 0.6 (opens, warning); 08:05 five at 9 km/h → 0.85 (escalates);
    // 08:10 25 at 48 km/h → 0.2 (resolves).
    await writeHops(db.connection, [...crossings(T, 5, 24, 'a'), ...crossings(T + 5 * M, 5, 9, 'b'), ...crossings(T + 10 * M, 25, 48, 'c')]);
    p = createAlerting({ areas: [], sources: [slowdownAlertSource({ corridors: [CORRIDOR] })], logger: (e) => void (e.type === 'alert' && emitted.push(e.alert)) });
  });
  afterAll(async () => {
    await p.close();
    db.close();
  });

  it('a bin is judged 50 minutes (of closed windows) after its end, then opens, escalates and resolves', async () => {
    const id = alertId('r0', 'slowdown', T);
    // Windows up to 08:45: the last final bin ends at 07:55 — nothing yet.
    expect(await closeUntil(T - 15 * M, T + 45 * M)).toEqual([]);
    // Up to 09:00: bins 08:00 and 08:05 are final.
    const two = await closeUntil(T + 45 * M, T + 60 * M);
    expect(two.map((a) => [a.alert_id, a.seq, a.state, a.level, a.previous_level, a.window_start, a.devices, a.value])).toEqual([
      [id, 0, 'open', 'warning', null, new Date(T).toISOString(), 0, expect.closeTo(0.6, 9)],
      [id, 1, 'escalated', 'critical', 'warning', new Date(T + 5 * M).toISOString(), 0, expect.closeTo(0.85, 9)],
    ]);
    expect(two[0]!.message).toBe('slowdown on r0 at 2026-03-02T08:00Z: 24 km/h against 60 free flow (congestion 60 %, fewer than 20 devices)');
    const last = await closeUntil(T + 60 * M, T + 75 * M);
    expect(last.map((a) => [a.alert_id, a.seq, a.state, a.level, a.peak_level, a.devices, a.people, a.value])).toEqual([[id, 2, 'resolved', 'critical', 'critical', 25, 25, expect.closeTo(0.2, 9)]]);
    const rows = (await db.connection.runAndReadAll(`SELECT seq, kind, area_id, state, devices, capacity FROM alerts ORDER BY seq`)).getRowsJS();
    expect(rows).toEqual([[0, 'slowdown', 'r0', 'open', 0, 0], [1, 'slowdown', 'r0', 'escalated', 0, 0], [2, 'slowdown', 'r0', 'resolved', 25, 0]]);
  });
});

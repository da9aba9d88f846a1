// End to end: the simulator's planted stadium event → runIngest (the `ingest` code path) with the
// alerting plugin → the alerts table, checked against the simulator's ground truth.
import { greatCircleDistance } from 'h3-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIngest } from '../../pipelines/run-ingest.ts';
import type { Alert } from '../../schemas/alert.ts';
import { parseAreas } from '../../src/alerts/areas/parse-areas.ts';
import type { WatchedArea } from '../../src/alerts/engine/watched-area.ts';
import { alertLatency, type AlertLatency } from '../../src/alerts/duckdb/alert-latency.ts';
import { createAlerting } from '../../src/alerts/plugin/create-alerting.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { Simulation } from '../../src/sim/index.ts';
import type { Scenario } from '../../src/sim/index.ts';

const W = 15 * 60_000;
const LEVELS = { notice: 0.6, warning: 0.8, critical: 1.0 };

/** A 32-gon of `radiusM` around a point, as GeoJSON [lon, lat]. */
function disc(lat: number, lon: number, radiusM: number): number[][] {
  const ring = Array.from({ length: 32 }, (_, i) => {
    const a = (2 * Math.PI * i) / 32;
    return [lon + (radiusM * Math.sin(a)) / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + (radiusM * Math.cos(a)) / 111_320];
  });
  return [...ring, ring[0]!];
}

describe('simulated stadium event → ingest → crowd alerts', () => {
  let db: Database;
  let sim: Simulation;
  let stadium: Scenario;
  let areas: WatchedArea[];
  let alerts: Alert[];
  let latency: AlertLatency;
  /** True devices per window in each area's cells (simulator ground truth). */
  const truth = new Map<string, Map<number, number>>();

  beforeAll(async () => {
    sim = new Simulation({ seed: 11, subscribers: 4_000, days: 1 });
    stadium = sim.scenarios.find((s) => s.kind === 'stadium')!;
    const venues = sim.scenarios.map((s) => s.center);
    // The watched stadium area reaches 1 km out, so it holds the sites serving the venue: located by
    // cell, devices show up at their serving site, not at their seat.
    // The quiet area: the ordinary zone farthest from every planted event.
    const far = (z: (typeof sim.city.zones)[number]) => Math.min(...venues.map((v) => greatCircleDistance([v.lat, v.lon], [z.center.lat, z.center.lon], 'km')));
    const quiet = sim.city.zones.filter((z) => !z.venue).sort((a, b) => far(b) - far(a))[0]!;
    const probe = parseAreas({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 'stadium', name: 'Stadio', capacity: stadium.expectedPeople }, geometry: { type: 'Polygon', coordinates: [disc(stadium.center.lat, stadium.center.lon, 1_000)] } },
        { type: 'Feature', properties: { id: 'quiet', name: quiet.name, capacity: 1 }, geometry: quiet.polygon },
      ],
    });
    // Capacity of the quiet area: 3 × its peak of true devices over the day (a truth-only pass).
    const quietCells = new Set(probe[1]!.cells);
    const quietTruth = new Map<number, number>();
    for (const _ of new Simulation(sim.config).chunks({ position: (p) => void (quietCells.has(p.h3) && quietTruth.set(p.windowStart, (quietTruth.get(p.windowStart) ?? 0) + 1)) })) void _;
    areas = [probe[0]!, { ...probe[1]!, capacity: 3 * Math.max(1, ...quietTruth.values()) }];

    const cellOf = new Map(areas.flatMap((a) => a.cells.map((c) => [c, a.id] as const)));
    for (const a of areas) truth.set(a.id, new Map());
    const positions = {
      position(p: { windowStart: number; h3: string }) {
        const id = cellOf.get(p.h3);
        if (id) truth.get(id)!.set(p.windowStart, (truth.get(id)!.get(p.windowStart) ?? 0) + 1);
      },
    };
    db = await openDatabase(':memory:');
    const emitted: Alert[] = [];
    let n = 0;
    const summary = await runIngest({
      connection: db.connection,
      cells: CellTable.fromVersions(sim.city.cells, 9),
      pseudonymiser: new Pseudonymiser({ key: new Uint8Array(32).fill(9) }),
      now: () => Date.UTC(2026, 2, 4),
      sourceName: 'simulator',
      batches: (function* () {
        for (const lines of sim.chunks(positions)) {
          yield { lines, firstLine: n + 1, bytesRead: 0 };
          n += lines.length;
        }
      })(),
      plugins: [createAlerting({ areas, logger: (e) => e.type === 'alert' && emitted.push(e.alert) })],
    });
    expect(summary.stats.accepted).toBeGreaterThan(100_000);
    const r = await db.connection.runAndReadAll(`SELECT alert_id FROM alerts ORDER BY window_start, area_id, kind, seq`);
    expect(r.getRowsJS().map((x) => x[0])).toEqual(emitted.map((a) => a.alert_id));
    alerts = emitted;
    latency = await alertLatency(db.connection);
  }, 180_000);

  afterAll(() => db?.close());

  it('raises exactly one capacity incident for the stadium, no later than one window after the true crossing', () => {
    const cap = alerts.filter((a) => a.area_id === 'stadium' && a.kind === 'capacity');
    expect(new Set(cap.map((a) => a.alert_id)).size).toBe(1);
    const t = truth.get('stadium')!;
    const crossing = [...t.keys()].sort((a, b) => a - b).find((ws) => t.get(ws)! >= LEVELS.notice * stadium.expectedPeople)!;
    expect(crossing).toBeGreaterThanOrEqual(stadium.start);
    const opened = Date.parse(cap[0]!.window_start);
    expect(cap[0]!.state).toBe('open');
    expect(opened).toBeLessThanOrEqual(crossing + W);
    expect(opened).toBeGreaterThanOrEqual(crossing - W);
    // The crowd fills the venue: the incident reaches critical, and resolves once it has left.
    expect(cap.map((a) => a.peak_level).at(-1)).toBe('critical');
    expect(cap.at(-1)!.state).toBe('resolved');
    expect(Date.parse(cap.at(-1)!.window_start)).toBeGreaterThanOrEqual(stadium.peakEnd);
    console.info(
      `stadium: ${stadium.expectedPeople} attendees from ${new Date(stadium.start).toISOString()}; true ${LEVELS.notice * 100} % crossing in window ${new Date(crossing).toISOString()}\n` +
        cap.map((a) => `  ${a.window_start}  ${a.state.padEnd(10)} ${a.level.padEnd(8)} ${a.people}/${a.capacity} (true ${t.get(Date.parse(a.window_start)) ?? 0})`).join('\n'),
    );
  });

  it('warns ahead of the crowd: a forecast of the critical level before capacity is reached', () => {
    const firstCritical = alerts.find((a) => a.area_id === 'stadium' && a.kind === 'capacity' && a.level === 'critical')!;
    const forecast = alerts.find((a) => a.area_id === 'stadium' && a.kind === 'forecast' && a.level === 'critical');
    expect(forecast).toBeDefined();
    expect(Date.parse(forecast!.window_start)).toBeLessThan(Date.parse(firstCritical.window_start));
  });

  it('raises nothing for the quiet area', () => {
    expect(areas[1]!.capacity).toBeGreaterThan(3);
    expect(alerts.filter((a) => a.area_id === 'quiet')).toEqual([]);
  });

  it('records emit latency (window_closed_at → emitted_at) for every alert', () => {
    expect(latency.count).toBe(alerts.length);
    for (const a of alerts) expect(Date.parse(a.emitted_at)).toBeGreaterThanOrEqual(Date.parse(a.window_closed_at));
    console.info(`alert latency over ${latency.count} events: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms, max ${latency.maxMs} ms`);
  });
});

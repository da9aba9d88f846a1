// End to end through the CLI: a simulated day with roads and a planted incident, and the stadium
// event → `citypulse ingest --slowdown-alerts … --visitor-alert …` → the alerts table, the
// --alerts-out file and the ledger; checked against the simulator's truth and the batch detectors.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../schemas/alert.ts';
import { main } from '../../src/cli/main.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { readAreaVisitors } from '../../src/population/duckdb/read-area-visitors.ts';
import { visitorIncidents } from '../../src/population/engine/visitor-incidents.ts';
import { refreshTrafficTables } from '../../src/traffic/duckdb/refresh-traffic-tables.ts';
import { readCorridorsFile } from '../../src/traffic/export/read-corridors-file.ts';
import { cliContext } from '../alerts/support/cli-context.ts';

const KEY = '00'.repeat(32);
const RULE = { origin: 'unknown', level: 200 };

/** A 32-gon of `radiusM` around a point, as GeoJSON [lon, lat]. */
function disc(lat: number, lon: number, radiusM: number): number[][] {
  const ring = Array.from({ length: 32 }, (_, i) => {
    const a = (2 * Math.PI * i) / 32;
    return [lon + (radiusM * Math.sin(a)) / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + (radiusM * Math.cos(a)) / 111_320];
  });
  return [...ring, ring[0]!];
}

describe('simulated incident and stadium → ingest → slowdown and visitors_origin alerts', () => {
  let dir: string;
  let db: Database;
  let fileAlerts: Alert[];
  let incident: { edge: string; start: string; end: string };
  let corridorsFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'citypulse-alert-kinds-'));
    const sim = join(dir, 'sim');
    const c = cliContext({ CITYPULSE_KEY: KEY });
    expect(await main(['simulate', '--out', sim, '--subscribers', '3000', '--roads', '--incident', 'on', '--seed', '1'], c.ctx)).toBe(0);
    const stadium = (JSON.parse(await readFile(join(sim, 'truth', 'scenarios.json'), 'utf8')) as { kind: string; center: { lat: number; lon: number } }[]).find((s) => s.kind === 'stadium')!;
    await writeFile(join(dir, 'areas.geojson'), JSON.stringify({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { id: 'stadium', name: 'Stadio', capacity: 450 }, geometry: { type: 'Polygon', coordinates: [disc(stadium.center.lat, stadium.center.lon, 1_000)] } }],
    }));
    incident = JSON.parse(await readFile(join(sim, 'truth', 'incident.json'), 'utf8'));
    corridorsFile = join(sim, 'corridors.json');
    const i = cliContext({ CITYPULSE_KEY: KEY });
    const code = await main([
      'ingest', '--from', join(sim, 'events.ndjson'), '--cells', join(sim, 'cells.csv'), '--db', join(dir, 'cp.duckdb'),
      '--areas', join(dir, 'areas.geojson'), '--slowdown-alerts', corridorsFile, '--visitor-alert', `${RULE.origin}:${RULE.level}`,
      '--alerts-out', join(dir, 'alerts.ndjson'),
    ], i.ctx);
    expect(code, i.stderr()).toBe(0);
    fileAlerts = (await readFile(join(dir, 'alerts.ndjson'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Alert);
    db = await openDatabase(join(dir, 'cp.duckdb'), { createSchema: false });
  }, 300_000);

  afterAll(async () => {
    db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the planted incident opens exactly one slowdown, delivered to the file, stored in the alerts table and the ledger', async () => {
    const raw = JSON.parse(await readFile(corridorsFile, 'utf8')) as { corridors: { id: string; edges: string[] }[] };
    const onEdge = new Set(raw.corridors.filter((c) => c.edges.includes(incident.edge)).map((c) => c.id));
    expect(onEdge.size).toBeGreaterThan(0);
    const during = (a: Alert) => Date.parse(a.opened_window_start) >= Date.parse(incident.start) && Date.parse(a.opened_window_start) < Date.parse(incident.end);
    const opened = fileAlerts.filter((a) => a.kind === 'slowdown' && a.state === 'open' && onEdge.has(a.area_id) && during(a));
    expect(opened).toHaveLength(1);
    const a = opened[0]!;
    const row = (await db.connection.runAndReadAll(`SELECT kind, state, area_id FROM alerts WHERE alert_id = $1 AND seq = 0`, [a.alert_id])).getRowsJS();
    expect(row).toEqual([['slowdown', 'open', a.area_id]]);
    const ledger = (await db.connection.runAndReadAll(`SELECT idx::DOUBLE FROM ledger WHERE ref = $1`, [`alert:${a.alert_id}#0`])).getRowsJS();
    expect(ledger).toEqual([[a.ledger_index]]);
  });

  it('live slowdowns are the batch detector’s (refreshTrafficTables on the same corridors)', async () => {
    const batch = await refreshTrafficTables(db.connection, await readCorridorsFile(corridorsFile));
    const live = fileAlerts.filter((a) => a.kind === 'slowdown');
    const key = (id: string, state: string, at: number) => `${id} ${state} ${new Date(at).toISOString()}`;
    expect(live.filter((a) => a.state !== 'escalated').map((a) => key(a.alert_id, a.state, Date.parse(a.window_start))).sort())
      .toEqual(batch.alerts.map((x) => key(x.alertId, x.state, x.binStart)).sort());
  });

  it('the visitors rule fires once, escalates and resolves, as the batch rule over the released counts', async () => {
    const v = fileAlerts.filter((a) => a.kind === 'visitors_origin');
    expect(v.map((a) => a.state)).toEqual(['open', 'escalated', 'resolved']);
    expect(new Set(v.map((a) => a.alert_id)).size).toBe(1);
    expect(v.every((a) => a.origin === RULE.origin && a.area_id === 'stadium')).toBe(true);
    const series = (await readAreaVisitors(db.connection, 'stadium', 0, Date.UTC(2100, 0, 1), 20))!;
    const batch = visitorIncidents(series.windows, { level: RULE.level, origin: RULE.origin, clearRatio: 0.8 });
    expect(batch).toHaveLength(1);
    expect(Date.parse(v[0]!.window_start)).toBe(batch[0]!.openedAt);
    expect(Date.parse(v[2]!.window_end)).toBe(batch[0]!.closedAt);
  });

  it('file and table hold the same events; no count below k leaves an alert of the new kinds', async () => {
    const rows = (await db.connection.runAndReadAll(`SELECT alert_id, seq FROM alerts WHERE kind IN ('slowdown', 'visitors_origin') ORDER BY ALL`)).getRowsJS();
    const fromFile = fileAlerts.filter((a) => a.kind === 'slowdown' || a.kind === 'visitors_origin').map((a) => [a.alert_id, a.seq]);
    expect(rows).toEqual(fromFile.sort((x, y) => (x[0]! < y[0]! ? -1 : x[0]! > y[0]! ? 1 : Number(x[1]) - Number(y[1]))));
    for (const a of fileAlerts.filter((x) => x.kind === 'slowdown' || x.kind === 'visitors_origin')) {
      expect(a.devices === 0 || a.devices >= 20).toBe(true);
      expect(a.people === 0 || a.people >= 20).toBe(true);
    }
  });
});

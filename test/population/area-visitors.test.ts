import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cellToParent, latLngToCell } from 'h3-js';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { startHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { emptyOriginBook } from '../../src/population/engine/origin-book.ts';
import { visitorIncidents } from '../../src/population/engine/visitor-incidents.ts';
import { createAreaVisitorsConsumer } from '../../src/population/plugin/create-area-visitors-consumer.ts';
import type { WatchedArea } from '../../src/alerts/engine/watched-area.ts';
import type { DeviceWindow } from '../../src/window/device-window.ts';
import { feedWindow } from '../../src/window/device-window.ts';
import { cli } from '../support/cli.ts';

const M = 60_000, H = 3_600_000, DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2);
const dir = mkdtempSync(join(tmpdir(), 'citypulse-area-visitors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('visitorIncidents (alert rule: visitors from one origin ≥ level)', () => {
  const w = (i: number, origins: Record<string, number>) => ({ windowStart: T0 + i * 15 * M, windowEnd: T0 + (i + 1) * 15 * M, origins });
  it('hand-computed: opens at the level, holds above 0.8 × level, closes below; one incident per surge and origin', () => {
    const series = [w(0, { FR: 30 }), w(1, { FR: 50, A: 20 }), w(2, { FR: 41, A: 60 }), w(3, { FR: 39, A: 70 }), w(4, { FR: 55 }), w(5, { A: 20 })];
    expect(visitorIncidents(series, { level: 50 })).toEqual([
      { origin: 'FR', openedAt: T0 + 15 * M, closedAt: T0 + 60 * M, peak: 50, peakAt: T0 + 15 * M },
      { origin: 'A', openedAt: T0 + 30 * M, closedAt: T0 + 75 * M, peak: 70, peakAt: T0 + 45 * M },
      { origin: 'FR', openedAt: T0 + 60 * M, closedAt: T0 + 90 * M, peak: 55, peakAt: T0 + 60 * M },
    ]);
    expect(visitorIncidents(series, { level: 50, origin: 'A' }).map((i) => i.origin)).toEqual(['A']);
    expect(visitorIncidents(series.slice(0, 3), { level: 50, origin: 'A' })[0]!.closedAt).toBeNull();
    expect(() => visitorIncidents(series, { level: 0 })).toThrow(/level/);
  });
});

describe('the area-visitors consumer', () => {
  it('counts devices whose dominant cell is in an area, by origin: roamer country, home zone, unknown', () => {
    const c1 = latLngToCell(45.46, 9.19, 9), c2 = latLngToCell(45.5, 9.3, 9);
    const area = { id: 'a1', cells: [c1] } as unknown as WatchedArea;
    const book = emptyOriginBook();
    const consumer = createAreaVisitorsConsumer([area], book)();
    book.homeMcc = '222';
    book.homes.set('d1', 'W');
    const dw = (device: string, dominant: string | null, mcc?: string): DeviceWindow => ({ device, windowStart: T0, windowEnd: T0 + 15 * M, dominant, dwell: [], events: [], ...(mcc ? { mcc } : {}) });
    expect(feedWindow(consumer, T0, T0 + 15 * M, [dw('d1', c1, '222'), dw('d2', c1, '222'), dw('f1', c1, '208'), dw('f2', c1, '208'), dw('x', c2, '208'), dw('y', null)])).toEqual([
      { windowStart: T0, windowEnd: T0 + 15 * M, areaId: 'a1', origin: 'FR', visitors: 2 },
      { windowStart: T0, windowEnd: T0 + 15 * M, areaId: 'a1', origin: 'W', visitors: 1 },
      { windowStart: T0, windowEnd: T0 + 15 * M, areaId: 'a1', origin: 'unknown', visitors: 1 },
    ]);
  });
});

describe('live visitors through ingest --areas and GET /api/v1/areas/:id/visitors', () => {
  it('homes learnt from the stays already stored name the origins; k-safe; the alert rule fires', async () => {
    const HOME = { lat: 45.46, lng: 9.1 }, AREA = { lat: 45.46, lng: 9.19 };
    writeFileSync(join(dir, 'cells.csv'), `cell_id,lat,lon\nhome,${HOME.lat},${HOME.lng}\nstadium,${AREA.lat},${AREA.lng}\n`);
    const d = 0.004;
    writeFileSync(join(dir, 'areas.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'stadium-1', name: 'Stadium', capacity: 5000 },
      geometry: { type: 'Polygon', coordinates: [[[AREA.lng - d, AREA.lat - d], [AREA.lng + d, AREA.lat - d], [AREA.lng + d, AREA.lat + d], [AREA.lng - d, AREA.lat + d], [AREA.lng - d, AREA.lat - d]]] } }] }));
    const domestic = [...Array(25)].map((_, i) => `2220100000${String(i).padStart(5, '0')}`);
    const french = [...Array(22)].map((_, i) => `2080100000${String(i).padStart(5, '0')}`);
    const italians = [...Array(3)].map((_, i) => `2220199999${String(i).padStart(5, '0')}`); // no home: unknown, pooled
    const line = (ts: number, imsi: string, cell: string) => JSON.stringify({ ts, imsi, cell, event: 'tau' });
    // Part 1: four nights at home (20:00–08:00) for the domestic devices; the French are seen once.
    const p1: string[] = [];
    for (let n = 0; n < 4; n++) for (let t = T0 + n * DAY + 20 * H; t <= T0 + (n + 1) * DAY + 8 * H; t += 30 * M) for (const imsi of domestic) p1.push(line(t, imsi, 'home'));
    for (const imsi of [...french, ...italians]) p1.push(line(T0 + 4 * DAY + 9 * H, imsi, 'home'));
    p1.sort((a, b) => JSON.parse(a).ts - JSON.parse(b).ts);
    writeFileSync(join(dir, 'p1.ndjson'), p1.join('\n') + '\n');
    // Part 2: everyone at the stadium 14:00–16:00 of day 5.
    const p2: string[] = [];
    // (the 3 without a home only until 14:20, then they leave for home)
    for (let t = T0 + 5 * DAY + 14 * H; t <= T0 + 5 * DAY + 16 * H; t += 10 * M) {
      for (const imsi of [...domestic, ...french, ...italians]) p2.push(line(t, imsi, italians.includes(imsi) && t > T0 + 5 * DAY + 14 * H + 20 * M ? 'home' : 'stadium'));
    }
    writeFileSync(join(dir, 'p2.ndjson'), p2.join('\n') + '\n');
    const db = join(dir, 'cp.duckdb');
    const env = { CITYPULSE_KEY: '0123456789abcdef0123456789abcdef' };
    for (const [part, extra] of [['p1', []], ['p2', ['--areas', join(dir, 'areas.geojson')]]] as const) {
      const r = await cli(['ingest', '--from', join(dir, `${part}.ndjson`), '--cells', join(dir, 'cells.csv'), '--db', db, ...extra], env);
      expect(r.code, r.stderr).toBe(0);
    }
    const home7 = cellToParent(latLngToCell(HOME.lat, HOME.lng, 9), 7);
    const conn = await openDatabase(db, { readOnly: true });
    let rows: unknown[][];
    try {
      rows = (await conn.connection.runAndReadAll(`SELECT origin, max(visitors)::INTEGER FROM area_visitors WHERE area_id = 'stadium-1' GROUP BY 1 ORDER BY 1`)).getRowsJS();
    } finally {
      conn.close();
    }
    expect(rows).toEqual([[home7, 25], ['FR', 22], ['unknown', 3]]);
    const srv = await startHttpServer({ dbPath: db, port: 0, k: 20 });
    try {
      const get = async (q: string) => (await (await fetch(new URL(`/api/v1/areas/stadium-1/visitors?${q}`, srv.url))).json()) as any;
      // 14:00: the 3 without a home are pooled into `other` (3 < k), the pool is below k: withheld whole.
      expect(await get('at=2026-03-07T14:05:00Z')).toMatchObject({ area: 'stadium-1', k: 20, withheld: true, visitors: null, origins: [] });
      expect(await get('at=2026-03-07T14:05:00Z&k=3')).toMatchObject({ error: 'bad_parameter' }); // a client may only raise k
      const j = await get('at=2026-03-07T15:05:00Z&level=24');
      expect(j).toMatchObject({
        window_start: '2026-03-07T15:00:00.000Z', withheld: false, visitors: 47,
        origins: [{ origin: home7, visitors: 25 }, { origin: 'FR', visitors: 22 }],
      });
      // Visitors from one origin ≥ 24: the 25 from home7 open an incident; the 22 French do not.
      expect(j.incidents.map((i: any) => [i.origin, i.peak])).toEqual([[home7, 25]]);
      expect((await get('at=2026-03-07T15:05:00Z&level=20&origin=FR')).incidents.map((i: any) => i.origin)).toEqual(['FR']);
      const missing = await fetch(new URL('/api/v1/areas/nowhere/visitors', srv.url));
      expect(missing.status).toBe(404);
    } finally {
      await srv.close();
    }
  }, 120_000);
});

import { cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { MOBILITY_TABLES_SQL } from '../../src/mobility/duckdb/mobility-schema.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { storeZoneSystem } from '../../src/outputs/duckdb/store-zone-system.ts';
import { readPopulationInput } from '../../src/population/duckdb/read-population-input.ts';
import { createDeviceCellsConsumer } from '../../src/population/plugin/create-device-cells-consumer.ts';
import type { DeviceWindow } from '../../src/window/device-window.ts';
import { feedWindow } from '../../src/window/device-window.ts';
import { mapZoneCells } from '../../src/zones/map-zone-cells.ts';
import { readZoneFeatures } from '../../src/zones/read-zone-features.ts';

const M = 60_000, DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 2);

describe('zone of a place centre (read-population-input)', () => {
  it('inside a zone → that zone; within 1 km outside every zone → the nearest; farther → none', async () => {
    const db = await openDatabase(':memory:');
    try {
      await db.connection.run(MOBILITY_TABLES_SQL);
      const sq = (id: string, lng0: number, lng1: number) => ({ type: 'Feature', properties: { id, name: id },
        geometry: { type: 'Polygon', coordinates: [[[lng0, 45.42], [lng1, 45.42], [lng1, 45.5], [lng0, 45.5], [lng0, 45.42]]] } });
      const { zones } = readZoneFeatures({ type: 'FeatureCollection', features: [sq('W', 9.1, 9.18), sq('E', 9.18, 9.26)] } as never, { idProp: 'id', nameProp: 'name' });
      await storeZoneSystem(db.connection, 'test', mapZoneCells(zones, { res: 9, onOverlap: 'first' }));
      const input = await readPopulationInput(db.connection, { zones: 'test' });
      // 1° of longitude at 45.46° ≈ 78 km: 9.265 is ~400 m east of E, 9.30 is ~3 km east.
      expect(input.zoneOf('x', 45.46, 9.14)).toBe('W');
      expect(input.zoneOf('x', 45.46, 9.22)).toBe('E');
      expect(input.zoneOf('x', 45.46, 9.265)).toBe('E');
      expect(input.zoneOf('x', 45.505, 9.14)).toBe('W'); // ~550 m north of W
      expect(input.zoneOf('x', 45.46, 9.3)).toBeNull();
      expect(input.zoneOf('x', 45.6, 9.14)).toBeNull();
    } finally {
      db.close();
    }
  });
});

describe('the device-cells consumer (transit evidence)', () => {
  it('collects res-8 cells per device and UTC day, emits a day when the next begins and the rest at the end, across a snapshot', () => {
    const a = latLngToCell(45.46, 9.14, 9), b = latLngToCell(45.46, 9.22, 9);
    const dw = (device: string, ts: number, h3s: string[]): DeviceWindow => ({
      device, windowStart: ts, windowEnd: ts + 15 * M, dominant: h3s[0] ?? null, dwell: [], events: h3s.map((h3) => ({ ts, h3, kind: 'tau' })),
    });
    let c = createDeviceCellsConsumer()();
    expect(feedWindow(c, T0, T0 + 15 * M, [dw('d1', T0, [a, a]), dw('d2', T0, [b])])).toEqual([]);
    expect(feedWindow(c, T0 + 15 * M, T0 + 30 * M, [dw('d1', T0 + 15 * M, [b]), dw('d3', T0 + 15 * M, [])])).toEqual([]);
    const snap = JSON.parse(JSON.stringify(c.snapshot()));
    c = createDeviceCellsConsumer()();
    c.restore(snap);
    const day1 = feedWindow(c, T0 + DAY, T0 + DAY + 15 * M, [dw('d1', T0 + DAY, [a])]);
    const p = (h: string) => cellToParent(h, 8);
    expect([...day1].sort((x, y) => (x.device + x.h3 < y.device + y.h3 ? -1 : 1))).toEqual([
      { dayEnd: T0 + DAY, device: 'd1', h3: p(a) }, { dayEnd: T0 + DAY, device: 'd1', h3: p(b) }, { dayEnd: T0 + DAY, device: 'd2', h3: p(b) },
    ].sort((x, y) => (x.device + x.h3 < y.device + y.h3 ? -1 : 1)));
    expect(c.finish!()).toEqual([{ dayEnd: T0 + 2 * DAY, device: 'd1', h3: p(a) }]);
    expect(c.finish!()).toEqual([]);
  });
});

import { cellToChildren, cellToParent, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { MOBILITY_TABLES_SQL } from '../../src/mobility/duckdb/mobility-schema.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { decodeState, encodeState } from '../../src/core/state-codec.ts';
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
  const a = latLngToCell(45.46, 9.14, 9), b = latLngToCell(45.46, 9.22, 9), a2 = cellToChildren(a, 10)[3]!;
  const p = (h: string) => cellToParent(h, 8);
  const dw = (device: string, ts: number, h3s: string[]): DeviceWindow => ({
    device, windowStart: ts, windowEnd: ts + 15 * M, dominant: h3s[0] ?? null, dwell: [], events: h3s.map((h3) => ({ ts, h3, kind: 'tau' })),
  });
  const sorted = <R extends { device: string; h3: string }>(rows: readonly R[]): R[] => [...rows].sort((x, y) => (x.device + x.h3 < y.device + y.h3 ? -1 : 1));

  it('emits each res-8 cell of a device once per UTC day, with the window that first saw it, across a snapshot', () => {
    expect(cellToParent(a2, 8)).toBe(p(a)); // a res-10 cell inside a's res-8 parent
    let c = createDeviceCellsConsumer()();
    expect(sorted(feedWindow(c, T0, T0 + 15 * M, [dw('d1', T0, [a, a2, a]), dw('d2', T0, [b])]))).toEqual(sorted([
      { dayEnd: T0 + DAY, device: 'd1', h3: p(a) }, { dayEnd: T0 + DAY, device: 'd2', h3: p(b) },
    ]));
    // d1 adds b; d2's b is not new; d3 has no events.
    expect(feedWindow(c, T0 + 15 * M, T0 + 30 * M, [dw('d1', T0 + 15 * M, [b, a]), dw('d2', T0 + 15 * M, [b]), dw('d3', T0 + 15 * M, [])]))
      .toEqual([{ dayEnd: T0 + DAY, device: 'd1', h3: p(b) }]);
    const snap = structuredClone(c.snapshot());
    c = createDeviceCellsConsumer()();
    c.restore(snap);
    expect(feedWindow(c, T0 + 30 * M, T0 + 45 * M, [dw('d1', T0 + 30 * M, [a, b]), dw('d2', T0 + 30 * M, [a])])).toEqual([{ dayEnd: T0 + DAY, device: 'd2', h3: p(a) }]);
    // The next day starts afresh.
    expect(feedWindow(c, T0 + DAY, T0 + DAY + 15 * M, [dw('d1', T0 + DAY, [a])])).toEqual([{ dayEnd: T0 + 2 * DAY, device: 'd1', h3: p(a) }]);
    expect(c.finish!()).toEqual([]);
  });

  it('restores a snapshot of the earlier format (every pair of the day, not emitted yet): emits it with the next window, once', () => {
    const c = createDeviceCellsConsumer()();
    c.restore({ day: T0 / DAY, cells: [['d1', [p(a), p(b)]], ['d2', [p(b), p(b)]]] });
    const again = createDeviceCellsConsumer()();
    again.restore(structuredClone(c.snapshot()));
    for (const x of [c, again]) {
      expect(sorted(feedWindow(x, T0 + 60 * M, T0 + 75 * M, [dw('d1', T0 + 60 * M, [a, b]), dw('d3', T0 + 60 * M, [a])]))).toEqual(sorted([
        { dayEnd: T0 + DAY, device: 'd1', h3: p(a) }, { dayEnd: T0 + DAY, device: 'd1', h3: p(b) }, { dayEnd: T0 + DAY, device: 'd2', h3: p(b) },
        { dayEnd: T0 + DAY, device: 'd3', h3: p(a) },
      ]));
    }
    // Pending rows of a day that ended: out with the next window, dated to their own day.
    const late = createDeviceCellsConsumer()();
    late.restore({ day: T0 / DAY, cells: [['d1', [p(a)]]] });
    expect(feedWindow(late, T0 + DAY, T0 + DAY + 15 * M, [dw('d1', T0 + DAY, [a])])).toEqual([
      { dayEnd: T0 + DAY, device: 'd1', h3: p(a) }, { dayEnd: T0 + 2 * DAY, device: 'd1', h3: p(a) },
    ]);
    const fin = createDeviceCellsConsumer()();
    fin.restore({ day: T0 / DAY, cells: [['d1', [p(a)]]] });
    expect(fin.finish!()).toEqual([{ dayEnd: T0 + DAY, device: 'd1', h3: p(a) }]);
  });

  it('random days of random devices with random snapshots equal the distinct (day, device, cell) triples', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const cells = Array.from({ length: 40 }, (_, i) => latLngToCell(45.40 + (i % 8) * 0.012, 9.10 + Math.floor(i / 8) * 0.02, 9));
    const want = new Set<string>();
    const got: string[] = [];
    let c = createDeviceCellsConsumer()();
    for (let w = 0; w < 3 * 96; w += 1 + Math.floor(rnd() * 3)) {
      const start = T0 + w * 15 * M;
      const devices: DeviceWindow[] = [];
      for (let d = 0; d < 60; d++) {
        if (rnd() < 0.5) continue;
        const evs = Array.from({ length: Math.floor(rnd() * 4) }, () => cells[Math.floor(rnd() * cells.length)]!);
        devices.push(dw(`dev${d}`, start, evs));
        for (const h of evs) want.add(`${Math.floor(start / DAY) + 1}|dev${d}|${p(h)}`);
      }
      for (const r of feedWindow(c, start, start + 15 * M, devices)) got.push(`${r.dayEnd / DAY}|${r.device}|${r.h3}`);
      if (rnd() < 0.2) {
        const snap = decodeState(encodeState(c.snapshot()));
        c = createDeviceCellsConsumer()();
        c.restore(snap);
      }
    }
    expect(got.length).toBe(new Set(got).size);
    expect(new Set(got)).toEqual(want);
  });
});

import { cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import { MOBILITY_TABLES_SQL } from '../../src/mobility/duckdb/mobility-schema.ts';
import { queryOdHourly } from '../../src/mobility/duckdb/query-od-hourly.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { readZoneLocator } from '../../src/outputs/duckdb/read-zone-locator.ts';
import { storeZoneSystem } from '../../src/outputs/duckdb/store-zone-system.ts';
import { readPopulationInput } from '../../src/population/duckdb/read-population-input.ts';
import { createZoneLocator } from '../../src/zones/create-zone-locator.ts';
import { mapZoneCells } from '../../src/zones/map-zone-cells.ts';
import { readZoneFeatures } from '../../src/zones/read-zone-features.ts';

// Two zones side by side, border on the meridian 9.18: W = [9.10, 9.18], E = [9.18, 9.26], lat 45.42–45.50.
const sq = (id: string, lng0: number, lng1: number) => ({ type: 'Feature', properties: { id, name: id },
  geometry: { type: 'Polygon', coordinates: [[[lng0, 45.42], [lng1, 45.42], [lng1, 45.5], [lng0, 45.5], [lng0, 45.42]]] } });
const { zones } = readZoneFeatures({ type: 'FeatureCollection', features: [sq('W', 9.1, 9.18), sq('E', 9.18, 9.26)] } as never, { idProp: 'id', nameProp: 'name' });

// Hand-computed: 1° of longitude at 45.4435° is 111 320 m × cos(45.4435°) ≈ 78 100 m, so 50 m ≈ 0.00064°.
// The stay centre (45.4435, 9.17936) lies 50 m west of the border, inside W. Its res-9 hexagon
// 891f99cd87bffff has its centre at (45.44343, 9.18023), 18 m east of the border: zone_cells puts
// that hexagon, and so the stay, in E.
const LAT = 45.4435, LNG = 9.18 - 0.00064;
const HEX = '891f99cd87bffff';
const T = Date.UTC(2026, 2, 2, 8);

async function twoZoneDb() {
  const db = await openDatabase(':memory:');
  await db.connection.run(MOBILITY_TABLES_SQL);
  await storeZoneSystem(db.connection, 'two', mapZoneCells(zones, { res: 9 }));
  return db;
}

describe('exact zone of a stay centre (point in polygon, not the res-9 cell)', () => {
  it('the hand-computed premise: the stay centre is in W, its res-9 hexagon is in E', () => {
    expect(latLngToCell(LAT, LNG, 9)).toBe(HEX);
    const [, cLng] = cellToLatLng(HEX);
    expect(cLng).toBeGreaterThan(9.18);
    expect((9.18 - LNG) * 111_320 * Math.cos((LAT * Math.PI) / 180)).toBeCloseTo(50, 0);
  });

  it('createZoneLocator: inside, on the border (first zone), outside, holes and multipolygons', () => {
    const zoneOf = createZoneLocator(zones);
    expect(zoneOf(LAT, LNG)).toBe('W');
    expect(zoneOf(LAT, 9.18 + 0.00064)).toBe('E');
    expect(zoneOf(LAT, 9.18)).toBe('W'); // on the shared edge: the first zone
    expect(zoneOf(45.41, 9.14)).toBeNull();
    const ring = (x0: number, x1: number, y0: number, y1: number) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
    const holed = createZoneLocator([
      { id: 'donut', geometry: { type: 'Polygon', coordinates: [ring(0, 10, 0, 10), ring(4, 6, 4, 6)] } },
      { id: 'two', geometry: { type: 'MultiPolygon', coordinates: [[ring(20, 21, 0, 1)], [ring(30, 31, 0, 1)]] } },
    ]);
    expect(holed(2, 2)).toBe('donut');
    expect(holed(5, 5)).toBeNull(); // in the hole
    expect(holed(0.5, 30.5)).toBe('two');
    expect(holed(0.5, 25)).toBeNull();
  });

  it('population: the zone of a place centre 50 m inside W is W (zone_cells alone said E)', async () => {
    const db = await twoZoneDb();
    try {
      const cellZone = (await db.connection.runAndReadAll(`SELECT zone_id FROM zone_cells WHERE h3 = h3_string_to_h3('${HEX}')`)).getRowsJS();
      expect(cellZone).toEqual([['E']]);
      const input = await readPopulationInput(db.connection, { zones: 'two' });
      expect(input.zoneOf(HEX, LAT, LNG)).toBe('W');
      expect(input.zoneOf('x', 45.46, 9.265)).toBe('E'); // ~400 m outside E: still snapped to the nearest
    } finally {
      db.close();
    }
  });

  it('OD: a trip from 50 m inside W to the middle of E is W → E; the cell lookup said E → E', async () => {
    const db = await twoZoneDb();
    try {
      const o = latLngToCell(LAT, LNG, 9), d = latLngToCell(45.46, 9.22, 9);
      await db.connection.run(`INSERT INTO trips VALUES ('dev', h3_string_to_h3('${o}'), h3_string_to_h3('${d}'),
        make_timestamptz(${T} * 1000), make_timestamptz(${T + 1_800_000} * 1000), 60, 3000, 1800, ${LAT}, ${LNG}, 45.46, 9.22),
        ('dev', h3_string_to_h3('${d}'), h3_string_to_h3('${o}'), make_timestamptz(${T + 3_600_000} * 1000),
        make_timestamptz(${T + 5_400_000} * 1000), 60, 3000, 1800, 45.46, 9.22, 45.6, 9.14)`);
      const exact = await queryOdHourly(db.connection, { space: { zones: 'two' }, variant: 'consecutive' });
      expect(exact.cells).toEqual([{ origin: 'W', destination: 'E', hour: T, trips: 1 }]);
      expect(exact.outside).toBe(1); // the second trip ends outside every zone
      const cells = await queryOdHourly(db.connection, { space: { zones: 'two' }, variant: 'consecutive', zoneLookup: 'cells' });
      expect(cells.cells).toEqual([{ origin: 'E', destination: 'E', hour: T, trips: 1 }]);
      // The temp point table is gone.
      expect((await db.connection.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name LIKE 'od_point_zone_%'`)).getRowsJS()).toEqual([[0]]);
      expect(await readZoneLocator(db.connection, 'nope')).toBeNull();
    } finally {
      db.close();
    }
  });
});

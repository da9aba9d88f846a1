import { cellToCenterChild, cellToChildren, cellToLatLng, latLngToCell } from 'h3-js';
import { CellTable } from '../../src/locate/cell-table.ts';
import { ensureMobilityTables } from '../../src/mobility/duckdb/write-mobility-records.ts';
import { ensurePopulationTables } from '../../src/population/duckdb/write-device-mcc.ts';
import { ensureTrafficTables } from '../../src/traffic/duckdb/write-hops.ts';
import { ensureAnalystTables } from '../../src/outputs/duckdb/ensure-analyst-tables.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { storeCellTable } from '../../src/outputs/duckdb/store-cell-table.ts';

export const M = 60_000;
export const H = 60 * M;
/** Monday 2026-03-02 08:00 UTC: the current windows. */
export const T = Date.UTC(2026, 2, 2, 8, 0);
export const W1 = T;
export const W2 = T + 15 * M;
/** The same windows one week earlier. */
export const LW1 = T - 168 * H;
export const LW2 = LW1 + 15 * M;

/** The H3 cells of the fixture (hex): c1, c2 share the res-8 parent p8; c3, c4, c5 are elsewhere. */
export function fixtureCells() {
  const p8 = latLngToCell(45.4642, 9.19, 8);
  const c1 = cellToCenterChild(p8, 9);
  const c2 = cellToChildren(p8, 9).find((c) => c !== c1)!;
  const c3 = latLngToCell(45.48, 9.23, 9);
  const c4 = latLngToCell(45.44, 9.16, 9);
  const c5 = latLngToCell(45.5, 9.2, 9);
  return { p8, c1, c2, c3, c4, c5 };
}

export const big = (hex: string) => BigInt('0x' + hex);

/**
 * Presence at res 9 (events = 2 × present unless given):
 *
 * | window | c1 | c2 | c3 | c4 (events) | c5 (events) |
 * | LW1    | 30 |    | 20 | 3 (200)     | 2 (150)     |
 * | LW2    | 10 |    | 40 |             |             |
 * | W1     | 15 | 10 | 25 |             |             |
 * | W2     |  5 |  4 | 30 |             |             |
 *
 * Zone system `test`: A "Zone A" = {c1, c2} (1 km²), B "Zone B" = {c3} (2 km²), C "Zone C" = {c5} (0.5 km²).
 * Dead letters, late events and a cell table as described in the tests.
 */
export async function buildFixture(path = ':memory:'): Promise<Database & { cells: ReturnType<typeof fixtureCells> }> {
  const db = await openDatabase(path);
  await ensureAnalystTables(db.connection);
  await ensureMobilityTables(db.connection);
  await ensurePopulationTables(db.connection);
  await ensureTrafficTables(db.connection);
  const cells = fixtureCells();
  const { c1, c2, c3, c4, c5 } = cells;
  const rows: [number, string, number, number?][] = [
    [LW1, c1, 30],
    [LW1, c3, 20],
    [LW1, c4, 3, 200],
    [LW1, c5, 2, 150],
    [LW2, c1, 10],
    [LW2, c3, 40],
    [W1, c1, 15],
    [W1, c2, 10],
    [W1, c3, 25],
    [W2, c1, 5],
    [W2, c2, 4],
    [W2, c3, 30],
  ];
  const iso = (ms: number) => `'${new Date(ms).toISOString()}'`;
  const values = rows.map(([ws, h3, present, events]) => `(${iso(ws)}, ${iso(ws + 15 * M)}, ${big(h3)}, 9, ${present}, ${present}, ${events ?? 2 * present})`);
  await db.connection.run(`INSERT INTO presence VALUES ${values.join(', ')}`);
  await db.connection.run(`INSERT INTO zones VALUES
    ('test', 'A', 'Zone A', 1.0, '{}'), ('test', 'B', 'Zone B', 2.0, '{}'), ('test', 'C', 'Zone C', 0.5, '{}'),
    ('other', 'A', 'Elsewhere', 9.0, '{}')`);
  await db.connection.run(`INSERT INTO zone_cells VALUES
    ('test', 'A', 'Zone A', ${big(c1)}), ('test', 'A', 'Zone A', ${big(c2)}), ('test', 'B', 'Zone B', ${big(c3)}),
    ('test', 'C', 'Zone C', ${big(c5)}), ('other', 'A', 'Elsewhere', ${big(c3)})`);
  await db.connection.run(`INSERT INTO dead_letters VALUES
    ('a.ndjson', 'line 1', 'malformed_json', 'unexpected end', '{bad', NULL, ${iso(T + 2 * H + 5 * M)}),
    ('a.ndjson', 'line 2', 'malformed_json', 'unexpected end', '{bad', NULL, ${iso(T + 2 * H + 40 * M)}),
    ('b.ndjson', 'line 9', 'unknown_cell', 'cell x9', '{}', ${iso(T + H + 10 * M)}, ${iso(T + 3 * H + 10 * M)})`);
  const late = (ws: number, lateness: number) => `(${iso(ws + M)}, ${iso(ws)}, ${iso(ws + M + lateness * 1000)}, ${big(c1)}, 'tau', 'dev', 'k:0', '0:1')`;
  await db.connection.run(`INSERT INTO late_events VALUES ${late(W1, 60)}, ${late(W1, 180)}, ${late(W2, 30)}`);
  return { ...db, cells };
}

/** The cell table of the silent-cells test: a4 (c4, valid), a4old (c4, retired), a5 (c5, retired 2 days ago), a3 (c3). */
export async function loadFixtureCellTable(db: Database): Promise<void> {
  await storeCellTable(db.connection, CellTable.fromCsv(fixtureCellCsv(), 9));
}

/** The CSV of {@link loadFixtureCellTable}. */
export function fixtureCellCsv(): string {
  const { c3, c4, c5 } = fixtureCells();
  const at = (h3: string) => cellToLatLng(h3).join(',');
  const csv = `cell_id,lat,lon,valid_from,valid_to
a4,${at(c4)},,
a4old,${at(c4)},2025-01-01T00:00:00Z,${new Date(T - 30 * 24 * H).toISOString()}
a5,${at(c5)},2025-01-01T00:00:00Z,${new Date(T - 48 * H).toISOString()}
a3,${at(c3)},,
`;
  return csv;
}

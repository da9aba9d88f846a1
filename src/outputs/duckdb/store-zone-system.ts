import type { DuckDBConnection } from '@duckdb/node-api';
import type { ZoneCells } from '../../zones/map-zone-cells.ts';
import { ensureAnalystTables } from './ensure-analyst-tables.ts';
import { valueCodec } from './value-codec.ts';
import { withAppender } from './with-appender.ts';
import { withTransaction } from './with-transaction.ts';

/**
 * Stores a zone system: its zones (`zones`, with area and GeoJSON) and their cells (`zone_cells`,
 * h3 as UBIGINT), replacing any earlier system of the same name, in one transaction.
 * Resolves to the number of cells stored.
 */
export async function storeZoneSystem(conn: DuckDBConnection, name: string, mapped: ZoneCells): Promise<number> {
  if (name.trim() === '') throw new RangeError('a zone system needs a name');
  await ensureAnalystTables(conn);
  let cells = 0;
  await withTransaction(conn, async () => {
    await conn.run('DELETE FROM zone_cells WHERE zone_system = $name', { name });
    await conn.run('DELETE FROM zones WHERE zone_system = $name', { name });
    await withAppender(conn, 'zones', (a) => {
      for (const { zone } of mapped.cells) {
        a.appendVarchar(name);
        a.appendVarchar(zone.id);
        a.appendVarchar(zone.name);
        a.appendDouble(zone.areaKm2);
        a.appendVarchar(JSON.stringify(zone.geometry));
        a.endRow();
      }
    });
    await withAppender(conn, 'zone_cells', (a) => {
      for (const { zone, h3 } of mapped.cells) {
        for (const cell of h3) {
          a.appendVarchar(name);
          a.appendVarchar(zone.id);
          a.appendVarchar(zone.name);
          a.appendUBigInt(valueCodec.h3ToUbigint(cell));
          a.endRow();
          cells++;
        }
      }
    });
  });
  return cells;
}

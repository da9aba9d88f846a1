import type { DuckDBConnection } from '@duckdb/node-api';
import type { CellTable } from '../../locate/cell-table.ts';
import { h3ToBigInt, tsValue } from './duckdb-sink.ts';
import { ensureAnalystTables } from './ensure-analyst-tables.ts';
import { withAppender } from './with-appender.ts';

/**
 * Replaces the `cells` table with a cell table (every version: cell id, site position, its H3 cell at
 * the table's resolution, validity; open ends as NULL), in one transaction. Queries such as
 * `dq_silent_cells` read it. Resolves to the number of versions stored.
 */
export async function storeCellTable(conn: DuckDBConnection, table: CellTable): Promise<number> {
  await ensureAnalystTables(conn);
  let n = 0;
  await conn.run('BEGIN TRANSACTION');
  try {
    await conn.run('DELETE FROM cells');
    await withAppender(conn, 'cells', (a) => {
      for (const v of table.versions()) {
        a.appendVarchar(v.cellId);
        a.appendDouble(v.lat);
        a.appendDouble(v.lon);
        a.appendUBigInt(h3ToBigInt(v.h3));
        if (Number.isFinite(v.validFrom)) a.appendTimestampTZ(tsValue(v.validFrom));
        else a.appendNull();
        if (Number.isFinite(v.validTo)) a.appendTimestampTZ(tsValue(v.validTo));
        else a.appendNull();
        a.endRow();
        n++;
      }
    });
    await conn.run('COMMIT');
  } catch (err) {
    await conn.run('ROLLBACK');
    throw err;
  }
  return n;
}

import type { DuckDBConnection } from '@duckdb/node-api';
import type { CellTable } from '../../locate/cell-table.ts';
import { ensureAnalystTables } from './ensure-analyst-tables.ts';
import { valueCodec } from './value-codec.ts';
import { withAppender } from './with-appender.ts';
import { withTransaction } from './with-transaction.ts';

/**
 * Replaces the `cells` table with a cell table (every version: cell id, site position, its H3 cell at
 * the table's resolution, validity; open ends as NULL), in one transaction. Queries such as
 * `dq_silent_cells` read it. Resolves to the number of versions stored.
 */
export async function storeCellTable(conn: DuckDBConnection, table: CellTable): Promise<number> {
  await ensureAnalystTables(conn);
  let n = 0;
  await withTransaction(conn, async () => {
    await conn.run('DELETE FROM cells');
    await withAppender(conn, 'cells', (a) => {
      for (const v of table.versions()) {
        a.appendVarchar(v.cellId);
        a.appendDouble(v.lat);
        a.appendDouble(v.lon);
        a.appendUBigInt(valueCodec.h3ToUbigint(v.h3));
        if (Number.isFinite(v.validFrom)) valueCodec.appendTimestampTZ(a, v.validFrom);
        else a.appendNull();
        if (Number.isFinite(v.validTo)) valueCodec.appendTimestampTZ(a, v.validTo);
        else a.appendNull();
        a.endRow();
        n++;
      }
    });
  });
  return n;
}

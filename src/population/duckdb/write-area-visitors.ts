import type { DuckDBConnection } from '@duckdb/node-api';
import { valueCodec } from '../../outputs/duckdb/value-codec.ts';
import { withAppender } from '../../outputs/duckdb/with-appender.ts';
import type { AreaVisitorsRecord } from '../plugin/area-visitors-record.ts';

/** Appends live visitor counts to `area_visitors` (inside the caller's transaction, if any). */
export async function writeAreaVisitors(conn: DuckDBConnection, rows: readonly AreaVisitorsRecord[]): Promise<void> {
  if (rows.length === 0) return;
  await withAppender(conn, 'area_visitors', (a) => {
    for (const r of rows) {
      valueCodec.appendTimestampTZ(a, r.windowStart);
      valueCodec.appendTimestampTZ(a, r.windowEnd);
      a.appendVarchar(r.areaId);
      a.appendVarchar(r.origin);
      a.appendInteger(r.visitors);
      a.endRow();
    }
  });
}

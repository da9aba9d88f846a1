import type { DuckDBConnection } from '@duckdb/node-api';
import { h3ToBigInt } from '../../outputs/duckdb/duckdb-sink.ts';
import { valueCodec } from '../../outputs/duckdb/value-codec.ts';
import { withAppender } from '../../outputs/duckdb/with-appender.ts';
import type { DeviceCellsRecord } from '../plugin/device-cells-record.ts';

/** Appends the device-cells consumer's rows to `device_cells` (inside the caller's transaction, if any). */
export async function writeDeviceCells(conn: DuckDBConnection, rows: readonly DeviceCellsRecord[]): Promise<void> {
  if (rows.length === 0) return;
  await withAppender(conn, 'device_cells', (a) => {
    for (const r of rows) {
      valueCodec.appendTimestampTZ(a, r.dayEnd);
      a.appendVarchar(r.device);
      a.appendUBigInt(h3ToBigInt(r.h3));
      a.endRow();
    }
  });
}

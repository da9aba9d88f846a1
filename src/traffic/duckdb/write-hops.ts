import type { DuckDBConnection } from '@duckdb/node-api';
import { h3ToBigInt } from '../../outputs/duckdb/duckdb-sink.ts';
import { valueCodec } from '../../outputs/duckdb/value-codec.ts';
import { withAppender } from '../../outputs/duckdb/with-appender.ts';
import type { Hop } from '../engine/hop.ts';
import { TRAFFIC_TABLES_SQL } from './traffic-schema.ts';

/** Creates the traffic tables when missing. */
export async function ensureTrafficTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(TRAFFIC_TABLES_SQL);
}

/** Appends hops to `traffic_hops` (inside the caller's transaction under `stream`). */
export async function writeHops(conn: DuckDBConnection, hops: readonly Hop[]): Promise<void> {
  if (hops.length === 0) return;
  await withAppender(conn, 'traffic_hops', (a) => {
    for (const h of hops) {
      a.appendVarchar(h.device);
      a.appendUBigInt(h3ToBigInt(h.prev));
      a.appendUBigInt(h3ToBigInt(h.h3));
      a.appendUBigInt(h3ToBigInt(h.next));
      valueCodec.appendTimestampTZ(a, h.enterTs);
      valueCodec.appendTimestampTZ(a, h.exitTs);
      a.endRow();
    }
  });
}

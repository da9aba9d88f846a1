import type { DuckDBConnection } from '@duckdb/node-api';
import type { DeviceMccRecord } from '../plugin/device-mcc-record.ts';
import { POPULATION_TABLES_SQL } from './population-schema.ts';
import { withAppender } from '../../outputs/duckdb/with-appender.ts';
import { valueCodec } from '../../outputs/duckdb/value-codec.ts';

/** Creates the population tables when missing (and adds `device_mcc.last_seen` to older databases). */
export async function ensurePopulationTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(POPULATION_TABLES_SQL);
}

/**
 * Upserts device MCCs (inside the caller's transaction, if any): a new device is inserted, a known
 * one keeps its MCC and moves `last_seen` forward. The rows go through an appender into a temporary
 * staging table and one `INSERT … SELECT … ON CONFLICT`: the first window of a stream holds every
 * device at once (1.25 M in the soak), which statements of a few hundred bound VALUES took minutes
 * to write, inside the checkpoint that holds up publication.
 */
export async function writeDeviceMcc(conn: DuckDBConnection, rows: readonly DeviceMccRecord[]): Promise<void> {
  if (rows.length === 0) return;
  // One row per device per statement: an upsert may not touch the same key twice.
  const latest = new Map<string, DeviceMccRecord>();
  for (const r of rows) if ((latest.get(r.device)?.seen ?? -Infinity) < r.seen) latest.set(r.device, r);
  await conn.run(`CREATE TEMP TABLE IF NOT EXISTS device_mcc_staging (device VARCHAR, mcc VARCHAR, last_seen TIMESTAMPTZ)`);
  await withAppender(
    conn,
    'device_mcc_staging',
    (a) => {
      for (const r of latest.values()) {
        a.appendVarchar(r.device);
        a.appendVarchar(r.mcc);
        valueCodec.appendTimestampTZ(a, r.seen);
        a.endRow();
      }
    },
    null,
    'temp',
  );
  await conn.run(
    `INSERT INTO device_mcc SELECT device, mcc, last_seen FROM temp.main.device_mcc_staging
     ON CONFLICT (device) DO UPDATE SET last_seen = greatest(coalesce(device_mcc.last_seen, excluded.last_seen), excluded.last_seen)`,
  );
  await conn.run(`DELETE FROM temp.main.device_mcc_staging`);
}

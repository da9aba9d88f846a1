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
 * staging table, then one `UPDATE … FROM` and one `INSERT … SELECT`: the first window of a stream
 * holds every device at once (1.25 M in the soak), which statements of a few hundred bound VALUES
 * took minutes to write, inside the checkpoint that holds up publication.
 */
export async function writeDeviceMcc(conn: DuckDBConnection, rows: readonly DeviceMccRecord[]): Promise<void> {
  if (rows.length === 0) return;
  // One row per device per statement: an upsert may not touch the same key twice.
  const latest = new Map<string, DeviceMccRecord>();
  for (const r of rows) if ((latest.get(r.device)?.seen ?? -Infinity) < r.seen) latest.set(r.device, r);
  // A fresh staging table each time, dropped after: DuckDB estimates a table's rows from what was
  // ever appended to it (deleted rows count until a checkpoint), so a table refilled and emptied
  // looked larger than device_mcc after a few windows and the joins below hashed device_mcc (a
  // million rows, +70–110 MiB of RSS at each store) instead of the staged rows.
  await conn.run(`CREATE OR REPLACE TEMP TABLE device_mcc_staging (device VARCHAR, mcc VARCHAR, last_seen TIMESTAMPTZ)`);
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
  // An update of the known devices, then an insert of the others: joins that hash the staged rows
  // and scan the table, where ON CONFLICT needs a primary-key index on `device` that DuckDB keeps in
  // memory (~70 MB at a million devices) and inserts through 7× slower. The insert's anti-join is
  // spelled as NOT IN over the known staged devices (a semi-join hashing the staged rows): as NOT
  // EXISTS, DuckDB 1.5 hashed the whole table (+56 MiB at 830k devices; devices are never NULL).
  await conn.run(
    `UPDATE device_mcc SET last_seen = greatest(coalesce(device_mcc.last_seen, s.last_seen), s.last_seen)
     FROM temp.main.device_mcc_staging s WHERE device_mcc.device = s.device`,
  );
  await conn.run(
    `INSERT INTO device_mcc SELECT s.device, s.mcc, s.last_seen FROM temp.main.device_mcc_staging s
     WHERE s.device NOT IN (SELECT d.device FROM device_mcc d WHERE d.device IN (SELECT device FROM temp.main.device_mcc_staging))`,
  );
  await conn.run(`DROP TABLE temp.main.device_mcc_staging`);
}

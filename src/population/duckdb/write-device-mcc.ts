import type { DuckDBConnection } from '@duckdb/node-api';
import type { DeviceMccRecord } from '../plugin/device-mcc-record.ts';
import { POPULATION_TABLES_SQL } from './population-schema.ts';

/** Creates the population tables when missing (and adds `device_mcc.last_seen` to older databases). */
export async function ensurePopulationTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(POPULATION_TABLES_SQL);
}

const CHUNK = 500;

/**
 * Upserts device MCCs (inside the caller's transaction, if any): a new device is inserted, a known
 * one keeps its MCC and moves `last_seen` forward.
 */
export async function writeDeviceMcc(conn: DuckDBConnection, rows: readonly DeviceMccRecord[]): Promise<void> {
  // One row per device per statement: an upsert may not touch the same key twice.
  const latest = new Map<string, DeviceMccRecord>();
  for (const r of rows) if ((latest.get(r.device)?.seen ?? -Infinity) < r.seen) latest.set(r.device, r);
  const all = [...latest.values()];
  for (let i = 0; i < all.length; i += CHUNK) {
    const part = all.slice(i, i + CHUNK);
    const params: Record<string, string | number> = {};
    const values = part.map((r, j) => {
      params[`d${j}`] = r.device;
      params[`m${j}`] = r.mcc;
      params[`s${j}`] = r.seen;
      return `($d${j}, $m${j}, make_timestamptz($s${j}::BIGINT * 1000))`;
    });
    await conn.run(
      `INSERT INTO device_mcc VALUES ${values.join(', ')}
       ON CONFLICT (device) DO UPDATE SET last_seen = greatest(coalesce(device_mcc.last_seen, excluded.last_seen), excluded.last_seen)`,
      params,
    );
  }
}

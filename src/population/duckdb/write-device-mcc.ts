import type { DuckDBConnection } from '@duckdb/node-api';
import type { DeviceMccRecord } from '../plugin/device-mcc-record.ts';
import { POPULATION_TABLES_SQL } from './population-schema.ts';

/** Creates the population tables when missing. */
export async function ensurePopulationTables(conn: DuckDBConnection): Promise<void> {
  await conn.run(POPULATION_TABLES_SQL);
}

const CHUNK = 500;

/** Inserts device MCCs, ignoring devices already recorded (inside the caller's transaction, if any). */
export async function writeDeviceMcc(conn: DuckDBConnection, rows: readonly DeviceMccRecord[]): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const params: Record<string, string> = {};
    const values = part.map((r, j) => {
      params[`d${j}`] = r.device;
      params[`m${j}`] = r.mcc;
      return `($d${j}, $m${j})`;
    });
    await conn.run(`INSERT OR IGNORE INTO device_mcc VALUES ${values.join(', ')}`, params);
  }
}

import type { DuckDBConnection } from '@duckdb/node-api';
import { UsageError } from './command.ts';

/**
 * The H3 resolution to map zones or cells at: the base resolution of the stored `presence` rows, or
 * `--res` (default 9) when there are none yet. A `--res` that differs from stored presence is a
 * {@link UsageError}: zone cells must match presence cells one to one.
 */
export async function baseResolution(conn: DuckDBConnection, flag: string | undefined): Promise<number> {
  const reader = await conn.runAndReadAll('SELECT max(res)::INTEGER FROM presence');
  const stored = (reader.getRowsJS()[0]?.[0] as number | null) ?? null;
  if (flag === undefined) return stored ?? 9;
  const res = Number(flag);
  if (!Number.isInteger(res) || res < 0 || res > 15) throw new UsageError(`--res must be an integer from 0 to 15, got ${flag}`);
  if (stored !== null && stored !== res) throw new UsageError(`--res ${res} differs from the base resolution ${stored} of the presence rows in this database`);
  return res;
}

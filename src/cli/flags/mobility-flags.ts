import type { DuckDBConnection } from '@duckdb/node-api';
import { UsageError } from '../command.ts';
import type { DeviceConsumerPlugin } from '../../window/device-window.ts';
import type { CellTable } from '../../locate/cell-table.ts';
import { trajectoryPlugins } from '../../../pipelines/ingest-consumers.ts';

/** Flags of `ingest` and `stream` for the trajectory layer. */
export const MOBILITY_FLAGS = {
  trajectory: { type: 'string', default: 'on' },
} as const;

/** Help text for {@link MOBILITY_FLAGS}. */
export const MOBILITY_FLAGS_HELP = `  --trajectory on|off      stays → trips → hourly OD into the tables stays, trips, od_h3_hourly
                           (default on; docs/mobility.md)`;

/**
 * The device-consumer plugins the flags ask for (none with `--trajectory off`); with the run's cell
 * table, cell-seen stays are placed by its {@link CellTable.stayPlacer} (ping-pong triangulation).
 */
export function mobilityFromFlags(v: Record<string, unknown>, cells?: CellTable): DeviceConsumerPlugin<unknown, DuckDBConnection>[] {
  const t = String(v.trajectory ?? 'on');
  if (t !== 'on' && t !== 'off') throw new UsageError(`--trajectory must be on or off, got ${t}`);
  return trajectoryPlugins(t === 'on', cells);
}

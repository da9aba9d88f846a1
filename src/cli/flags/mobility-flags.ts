import type { DuckDBConnection } from '@duckdb/node-api';
import { UsageError } from '../command.ts';
import type { DeviceConsumerPlugin } from '../../window/device-window.ts';
import { mobilityPlugin } from '../../mobility/plugin/mobility-plugin.ts';

/** Flags of `ingest` and `stream` for the trajectory layer. */
export const MOBILITY_FLAGS = {
  trajectory: { type: 'string', default: 'on' },
} as const;

/** Help text for {@link MOBILITY_FLAGS}. */
export const MOBILITY_FLAGS_HELP = `  --trajectory on|off      stays → trips → hourly OD into the tables stays, trips, od_h3_hourly
                           (default on; docs/mobility.md)`;

/** The device-consumer plugins the flags ask for (none with `--trajectory off`). */
export function mobilityFromFlags(v: Record<string, unknown>): DeviceConsumerPlugin<unknown, DuckDBConnection>[] {
  const t = String(v.trajectory ?? 'on');
  if (t !== 'on' && t !== 'off') throw new UsageError(`--trajectory must be on or off, got ${t}`);
  return t === 'on' ? [mobilityPlugin() as DeviceConsumerPlugin<unknown, DuckDBConnection>] : [];
}

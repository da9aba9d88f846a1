import type { DuckDBConnection } from '@duckdb/node-api';
import { readAreasFile } from '../src/alerts/areas/read-areas-file.ts';
import type { CellTable } from '../src/locate/cell-table.ts';
import { mobilityPlugin } from '../src/mobility/plugin/mobility-plugin.ts';
import { populationPlugins } from '../src/population/plugin/population-plugin.ts';
import { trafficPlugin } from '../src/traffic/plugin/traffic-plugin.ts';
import type { DeviceConsumerPlugin } from '../src/window/device-window.ts';

/**
 * What decides `ingest`'s device consumers, as plain data: the main thread and each window worker of
 * `ingest --workers` build the same consumers from it.
 */
export interface IngestConsumerSpec {
  /** The trajectory layer (`--trajectory on`). */
  trajectory: boolean;
  /** `--areas` file, or null. */
  areasPath: string | null;
  /** Base H3 resolution (watched areas are read at it). */
  resolution: number;
}

/** The trajectory layer's plugin, when on; with the run's cell table, cell-seen stays are placed by its {@link CellTable.stayPlacer}. */
export function trajectoryPlugins(on: boolean, cells?: CellTable): DeviceConsumerPlugin<unknown, DuckDBConnection>[] {
  return on ? [mobilityPlugin({}, cells?.stayPlacer()) as DeviceConsumerPlugin<unknown, DuckDBConnection>] : [];
}

/** `ingest`'s device consumers: trajectory (unless off), population (with the watched areas), traffic hops. */
export async function ingestDeviceConsumers(spec: IngestConsumerSpec, cells: CellTable): Promise<DeviceConsumerPlugin<unknown, DuckDBConnection>[]> {
  return [
    ...trajectoryPlugins(spec.trajectory, cells),
    ...populationPlugins(spec.areasPath ? await readAreasFile(spec.areasPath, spec.resolution) : null),
    trafficPlugin() as DeviceConsumerPlugin<unknown, DuckDBConnection>,
  ];
}

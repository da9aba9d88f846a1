import type { DuckDBConnection } from '@duckdb/node-api';
import type { WatchedArea } from '../../alerts/engine/watched-area.ts';
import { loadOriginBook } from '../duckdb/load-origin-book.ts';
import type { PopulationSpace } from '../duckdb/read-population-input.ts';
import { writeAreaVisitors } from '../duckdb/write-area-visitors.ts';
import { emptyOriginBook } from '../engine/origin-book.ts';
import { resolvePopulationConfig, type PopulationConfig } from '../engine/population-config.ts';
import type { AreaVisitorsRecord } from './area-visitors-record.ts';
import { AREA_VISITORS_CONSUMER, createAreaVisitorsConsumer } from './create-area-visitors-consumer.ts';
import type { DeviceConsumerPlugin } from '../../window/device-window.ts';
import { writeDeviceCells } from '../duckdb/write-device-cells.ts';
import { ensurePopulationTables, writeDeviceMcc } from '../duckdb/write-device-mcc.ts';
import { createDeviceCellsConsumer, DEVICE_CELLS_CONSUMER } from './create-device-cells-consumer.ts';
import { createDeviceMccConsumer, DEVICE_MCC_CONSUMER } from './create-device-mcc-consumer.ts';
import type { DeviceCellsRecord } from './device-cells-record.ts';
import type { DeviceMccRecord } from './device-mcc-record.ts';

/**
 * The population layer's MCC part on the device seam: each device's MCC into `device_mcc`. Home/work
 * and the zone classification run over the trajectory layer's `stays` (`citypulse export population`).
 *
 * @example
 * await runIngest({ ...config, deviceConsumers: [mobilityPlugin(), ...populationPlugins()] });
 */
export function populationPlugin(): DeviceConsumerPlugin<DeviceMccRecord, DuckDBConnection> {
  return { name: DEVICE_MCC_CONSUMER, create: createDeviceMccConsumer(), init: ensurePopulationTables, store: writeDeviceMcc };
}

/** The population layer's transit part: the cells (res 8) each device was seen in per day, into `device_cells`. */
export function transitPlugin(): DeviceConsumerPlugin<DeviceCellsRecord, DuckDBConnection> {
  return { name: DEVICE_CELLS_CONSUMER, create: createDeviceCellsConsumer(), init: ensurePopulationTables, store: writeDeviceCells };
}

/** Options of {@link areaVisitorsPlugin}. */
export interface AreaVisitorsOptions {
  /** The watched areas (the alerts' `--areas` file, cells at the base resolution). */
  areas: readonly WatchedArea[];
  /** Where origins are named. Default: the first zone system loaded in the database, else H3 res 7. */
  space?: PopulationSpace;
  /** The network's MCC. Default: the most seen in `device_mcc`. */
  homeMcc?: string;
  /** Home detection rules (docs/population.md). */
  config?: PopulationConfig;
}

/**
 * Live visitors of the watched areas by origin into `area_visitors` (docs/population.md): at start
 * (`init`) the homes of the devices are read from the stays already stored; then per closed window
 * the devices present in each area are counted by origin (roamer country, home zone, `unknown`).
 */
export function areaVisitorsPlugin(opts: AreaVisitorsOptions): DeviceConsumerPlugin<AreaVisitorsRecord, DuckDBConnection> {
  const book = emptyOriginBook();
  const cfg = resolvePopulationConfig(opts.config);
  return {
    name: AREA_VISITORS_CONSUMER,
    create: createAreaVisitorsConsumer(opts.areas, book),
    init: async (conn) => {
      await ensurePopulationTables(conn);
      await loadOriginBook(conn, book, cfg, { space: opts.space, homeMcc: opts.homeMcc });
    },
    store: writeAreaVisitors,
  };
}

/**
 * Every population consumer ingest and stream register: MCC and transit cells, and with watched
 * areas the live visitors by origin.
 */
export function populationPlugins(areas: readonly WatchedArea[] | null = null): DeviceConsumerPlugin<unknown, DuckDBConnection>[] {
  const all = [populationPlugin(), transitPlugin(), ...(areas && areas.length > 0 ? [areaVisitorsPlugin({ areas })] : [])];
  return all as DeviceConsumerPlugin<unknown, DuckDBConnection>[];
}

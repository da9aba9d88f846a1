import type { DuckDBConnection } from '@duckdb/node-api';
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

/** Every population consumer ingest and stream register: MCC and transit cells. */
export function populationPlugins(): DeviceConsumerPlugin<unknown, DuckDBConnection>[] {
  return [populationPlugin() as DeviceConsumerPlugin<unknown, DuckDBConnection>, transitPlugin() as DeviceConsumerPlugin<unknown, DuckDBConnection>];
}

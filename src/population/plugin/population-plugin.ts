import type { DuckDBConnection } from '@duckdb/node-api';
import type { DeviceConsumerPlugin } from '../../window/device-window.ts';
import { ensurePopulationTables, writeDeviceMcc } from '../duckdb/write-device-mcc.ts';
import { createDeviceMccConsumer, DEVICE_MCC_CONSUMER } from './create-device-mcc-consumer.ts';
import type { DeviceMccRecord } from './device-mcc-record.ts';

/**
 * The population layer's live part on the device seam: each device's MCC into `device_mcc`. Home/work
 * and the zone classification run over the trajectory layer's `stays` (`citypulse export population`).
 *
 * @example
 * await runIngest({ ...config, deviceConsumers: [mobilityPlugin(), populationPlugin()] });
 */
export function populationPlugin(): DeviceConsumerPlugin<DeviceMccRecord, DuckDBConnection> {
  return { name: DEVICE_MCC_CONSUMER, create: createDeviceMccConsumer(), init: ensurePopulationTables, store: writeDeviceMcc };
}

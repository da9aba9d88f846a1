import type { DuckDBConnection } from '@duckdb/node-api';
import type { DeviceConsumerPlugin } from '../../window/device-window.ts';
import { ensureMobilityTables, writeMobilityRecords } from '../duckdb/write-mobility-records.ts';
import type { MobilityConfig } from '../engine/mobility-config.ts';
import type { StayPlacer } from '../../locate/stay-placer.ts';
import { createMobilityConsumer, MOBILITY_CONSUMER } from './create-mobility-consumer.ts';
import type { MobilityRecord } from './mobility-record.ts';

/**
 * The trajectory layer as a device-consumer plugin for `ingest` and `stream`: the consumer
 * ({@link createMobilityConsumer}) plus its DuckDB tables `stays`, `trips`, `od_h3_hourly`. With a
 * `placer` (the cell table's {@link CellTable.stayPlacer}), cell-seen stays are placed by it.
 *
 * @example
 * await runIngest({ ...config, deviceConsumers: [mobilityPlugin()] });
 */
export function mobilityPlugin(config: MobilityConfig = {}, placer?: StayPlacer): DeviceConsumerPlugin<MobilityRecord, DuckDBConnection> {
  return {
    name: MOBILITY_CONSUMER,
    create: createMobilityConsumer(config, placer),
    init: ensureMobilityTables,
    store: writeMobilityRecords,
  };
}

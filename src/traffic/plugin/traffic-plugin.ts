import type { DuckDBConnection } from '@duckdb/node-api';
import type { DeviceConsumerPlugin } from '../../window/device-window.ts';
import { ensureTrafficTables, writeHops } from '../duckdb/write-hops.ts';
import type { Hop } from '../engine/hop.ts';
import type { TrafficConfig } from '../engine/traffic-config.ts';
import { createTrafficConsumer, TRAFFIC_CONSUMER } from './create-traffic-consumer.ts';

/**
 * The traffic layer as a device-consumer plugin for `ingest` and `stream`: the consumer
 * ({@link createTrafficConsumer}) plus its DuckDB tables (`traffic_hops` and the derived ones).
 *
 * @example
 * await runIngest({ ...config, deviceConsumers: [mobilityPlugin(), trafficPlugin()] });
 */
export function trafficPlugin(config: TrafficConfig = {}): DeviceConsumerPlugin<Hop, DuckDBConnection> {
  return { name: TRAFFIC_CONSUMER, create: createTrafficConsumer(config), init: ensureTrafficTables, store: writeHops };
}

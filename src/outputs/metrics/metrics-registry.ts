import { Registry, collectDefaultMetrics } from 'prom-client';

/** Every series citypulse exports starts with this. */
export const METRIC_PREFIX = 'citypulse_';

/**
 * A Prometheus registry with prom-client's default process metrics (resident memory, CPU, heap, event
 * loop lag, open file descriptors) under the `citypulse_` prefix, e.g.
 * `citypulse_process_resident_memory_bytes`. One per process; the stream, HTTP and job metrics
 * register on it.
 * @example
 * const registry = createMetricsRegistry();
 * const text = await registry.metrics(); // the exposition format, for GET /metrics
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}

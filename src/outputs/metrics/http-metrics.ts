import { Counter, Histogram, type Registry } from 'prom-client';
import { METRIC_PREFIX as P } from './metrics-registry.ts';

/** What the HTTP server reports per request. */
export interface HttpMetrics {
  request(status: number, ms: number): void;
}

/**
 * `citypulse_http_requests_total{status}` and `citypulse_http_request_duration_seconds` (until the
 * response is written; for `/api/v1/live`, until the stream opens). Registering twice on one registry
 * (two servers in a process) reuses the series.
 */
export function createHttpMetrics(registry: Registry): HttpMetrics {
  const name = `${P}http_requests_total`;
  const existing = registry.getSingleMetric(name) as Counter<'status'> | undefined;
  const requests = existing ?? new Counter({ name, help: 'HTTP requests answered, by status code', labelNames: ['status'], registers: [registry] });
  const dName = `${P}http_request_duration_seconds`;
  const duration =
    (registry.getSingleMetric(dName) as Histogram | undefined) ??
    new Histogram({ name: dName, help: 'HTTP request duration until the response is written', buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15], registers: [registry] });
  return {
    request(status, ms) {
      requests.inc({ status: String(status) });
      duration.observe(ms / 1000);
    },
  };
}

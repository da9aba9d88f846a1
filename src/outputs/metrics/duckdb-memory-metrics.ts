import type { DuckDBConnection } from '@duckdb/node-api';
import { Gauge, type Registry } from 'prom-client';
import { METRIC_PREFIX as P } from './metrics-registry.ts';

/**
 * `citypulse_duckdb_memory_bytes{tag}`: DuckDB's buffer-managed memory by tag (`duckdb_memory()`:
 * BASE_TABLE, HASH_TABLE, ART_INDEX, …; tags at zero left out), read at scrape time through `run`,
 * which gets a connection of the instance (the figures are instance-wide: under `stream --http` they
 * include the writer's). Tells DuckDB's share of the process RSS from the JavaScript heap's.
 * Registering twice on one registry keeps the first.
 */
export function registerDuckDbMemory(registry: Registry, run: <T>(job: (conn: DuckDBConnection) => Promise<T>) => Promise<T>): void {
  const name = `${P}duckdb_memory_bytes`;
  if (registry.getSingleMetric(name)) return;
  new Gauge({
    name,
    help: 'DuckDB buffer-managed memory by tag (duckdb_memory()), instance-wide',
    labelNames: ['tag'],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await run(async (conn) => (await conn.runAndReadAll('SELECT tag, memory_usage_bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0')).getRowsJS() as [string, bigint][]).catch(() => []);
      for (const [tag, bytes] of rows) this.set({ tag }, Number(bytes));
    },
  });
}

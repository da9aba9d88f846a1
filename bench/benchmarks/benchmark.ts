import type { BenchContext } from '../lib/context.ts';
import type { BenchKafka } from '../lib/kafka.ts';
import type { BenchResult } from '../lib/result.ts';

/** The benchmarks, in the order they run. */
export const BENCHMARK_NAMES = ['file_ingest', 'kafka_e2e_json', 'kafka_e2e_batched', 'pipeline_messages', 'kafka_streams_peer', 'alert_latency', 'memory_scaling', 'checkpoint_state', 'batch_vs_postgres', 'soak'] as const;
/** One of {@link BENCHMARK_NAMES}. */
export type BenchmarkName = (typeof BENCHMARK_NAMES)[number];

/** Shared services of one runner invocation, started on first use. */
export interface BenchServices {
  /** The benchmark Kafka broker (started once, stopped by the runner at the end). */
  kafka(): Promise<BenchKafka>;
  /** Options of the soak (`--minutes`, `--rate`, `--subscribers`, `--speed`). */
  soak?: { minutes?: number; rate?: number; subscribers?: number; speed?: number; places?: number; sampleSeconds?: number };
}

/** One benchmark: measures and returns its rows. */
export interface Benchmark {
  name: BenchmarkName;
  /** One line for `--help`. */
  summary: string;
  run(ctx: BenchContext, services: BenchServices): Promise<BenchResult[]>;
}

/** A result row for a benchmark that could not run here (no Java, no PostgreSQL…). */
export function skipped(ctx: BenchContext, name: BenchmarkName, variant: string, why: string): BenchResult {
  const nan = { median: NaN, min: NaN, max: NaN, relative: NaN };
  return { name, variant, size: ctx.size, events: 0, seconds: nan, eventsPerSecond: NaN, peakRssMiB: NaN, cpuSecondsMedian: NaN, targets: [], metrics: {}, note: `skipped: ${why}`, runs: [] };
}

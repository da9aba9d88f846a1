import type { Size } from './sizes.ts';
import type { Spread } from './stats.ts';

/** One measured run of a child process. */
export interface RunMeasurement {
  /** Seconds of the measured span (what the benchmark defines; never process start-up). */
  seconds: number;
  /** Events (records) processed in the span. */
  events: number;
  /** Peak resident set size of the child process, MiB (getrusage ru_maxrss / VmHWM). */
  peakRssMiB: number;
  /** User + system CPU seconds of the child process (whole process). */
  cpuSeconds: number;
  /** Anything else the task reported (latencies, device counts…). */
  extra: Record<string, number>;
}

/** A peer measured in the same run for a comparison (raw Kafka consume, PostgreSQL). */
export interface PeerFigure {
  name: string;
  seconds: Spread;
  eventsPerSecond: number;
  peakRssMiB: number;
}

/** A target from the issue, reported (never asserted). */
export interface TargetCheck {
  text: string;
  met: boolean;
}

/** One row of the results: a benchmark (or a variant of one) at one size. */
export interface BenchResult {
  name: string;
  /** e.g. `signalling`, `arrow`, `2×`. */
  variant: string;
  size: Size;
  events: number;
  seconds: Spread;
  eventsPerSecond: number;
  /** Max over the measured runs. */
  peakRssMiB: number;
  cpuSecondsMedian: number;
  peer?: PeerFigure;
  /** This result's events/s over the peer's (or the peer's seconds over ours, for batch: speed-up). */
  ratio?: number;
  targets: TargetCheck[];
  /** Medians of the runs' extra figures. */
  metrics: Record<string, number>;
  /** A short human note (what bounds it, what was checked). */
  note?: string;
  runs: RunMeasurement[];
  peerRuns?: RunMeasurement[];
}

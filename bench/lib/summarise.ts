import type { BenchContext } from './context.ts';
import type { BenchResult, RunMeasurement, TargetCheck } from './result.ts';
import { median, spread } from './stats.ts';

/**
 * A {@link BenchResult} from measured runs: median seconds (with spread), events/s at the median,
 * the highest peak RSS, medians of the extra figures.
 */
export function summarise(ctx: BenchContext, name: string, variant: string, runs: RunMeasurement[], more: Partial<BenchResult> = {}): BenchResult {
  const seconds = spread(runs.map((r) => r.seconds));
  const events = median(runs.map((r) => r.events));
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.extra)))];
  const metrics = Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r.extra[k]).filter((x): x is number => x !== undefined && Number.isFinite(x)))]));
  return {
    name,
    variant,
    size: ctx.size,
    events,
    seconds,
    eventsPerSecond: events / seconds.median,
    peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
    cpuSecondsMedian: median(runs.map((r) => r.cpuSeconds)),
    targets: [],
    metrics,
    runs,
    ...more,
  };
}

/** A target line: `text` and whether it holds. */
export function target(text: string, met: boolean): TargetCheck {
  return { text, met };
}

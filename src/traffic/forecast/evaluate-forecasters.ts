import { ErrorAccumulator, type ErrorMetrics } from './error-metrics.ts';
import type { Forecaster, ForecasterName, Predict } from './forecaster.ts';
import { slotsPer, type SlotSeries } from './slot-series.ts';

/** Options of {@link evaluateForecasters}. */
export interface EvaluationConfig {
  /** First forecast origin, a slot index of the input series (e.g. after two weeks of history). */
  firstOrigin: number;
  /** Last origin (inclusive). [the last slot with a full horizon of truth after it] */
  lastOrigin?: number;
  /** Horizons, slots ahead. [12: 5 … 60 min of 5-minute slots] */
  horizons?: number;
  /** Refit every this many origins on everything before the block (expanding window). [a day of slots] */
  refitEvery?: number;
}

/** Errors of one forecaster at one horizon. */
export interface HorizonErrors extends ErrorMetrics {
  /** Slots ahead. */
  horizon: number;
  minutes: number;
}

/** The result of a rolling-origin evaluation. */
export interface Evaluation {
  id: string;
  origins: number;
  forecasters: { name: ForecasterName; horizons: HorizonErrors[] }[];
}

/**
 * Rolling-origin evaluation: for every origin from `firstOrigin` on, each forecaster (refitted every
 * `refitEvery` origins on the slots before the block, never later ones) forecasts 1 … `horizons` slots
 * ahead, and each forecast is compared with `truth` at its target slot (matched by time; `truth`
 * defaults to the input series itself, i.e. the value observed later). Only targets every forecaster
 * answered and whose truth is known count, so all forecasters are scored on the same sample.
 */
export function evaluateForecasters(series: SlotSeries, forecasters: readonly Forecaster[], config: EvaluationConfig, truth: SlotSeries = series): Evaluation {
  const H = config.horizons ?? 12;
  const refit = config.refitEvery ?? slotsPer(series).day;
  if (truth.stepMs !== series.stepMs) throw new RangeError(`truth ${truth.id} has ${truth.stepMs} ms slots, the series ${series.stepMs} ms`);
  const offset = (series.start - truth.start) / series.stepMs;
  if (!Number.isInteger(offset)) throw new RangeError(`truth ${truth.id} is not on the grid of series ${series.id}`);
  const truthAt = (i: number): number | null => truth.values[i + offset] ?? null;
  const last = Math.min(config.lastOrigin ?? Infinity, series.values.length - 1 - H);
  const acc = forecasters.map(() => Array.from({ length: H }, () => new ErrorAccumulator()));
  let origins = 0;
  for (let block = config.firstOrigin; block <= last; block += refit) {
    const predicts: Predict[] = forecasters.map((f) => f.train(series, block));
    for (let t = block; t < Math.min(block + refit, last + 1); t++) {
      origins++;
      const fc = predicts.map((p) => p(t, H));
      for (let h = 1; h <= H; h++) {
        const y = truthAt(t + h);
        if (y === null || fc.some((f) => f[h - 1] === null)) continue;
        fc.forEach((f, i) => acc[i]![h - 1]!.add(f[h - 1]!, y));
      }
    }
  }
  const minutes = series.stepMs / 60_000;
  return {
    id: series.id,
    origins,
    forecasters: forecasters.map((f, i) => ({
      name: f.name,
      horizons: acc[i]!.map((a, h) => ({ horizon: h + 1, minutes: (h + 1) * minutes, ...a.metrics() })),
    })),
  };
}

/** The forecaster with the lowest wMAPE at `horizon` slots (the last one by default). */
export function bestAt(evaluation: Evaluation, horizon?: number): { name: ForecasterName; wmape: number } | null {
  let best: { name: ForecasterName; wmape: number } | null = null;
  for (const f of evaluation.forecasters) {
    const m = f.horizons[(horizon ?? f.horizons.length) - 1];
    if (m && Number.isFinite(m.wmape) && (!best || m.wmape < best.wmape)) best = { name: f.name, wmape: m.wmape };
  }
  return best;
}

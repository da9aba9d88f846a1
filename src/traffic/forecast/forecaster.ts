import type { SlotSeries } from './slot-series.ts';

/** The forecasters citypulse ships, in report order: three baselines, then the model. */
export const FORECASTER_NAMES = ['seasonal_naive', 'historical_average', 'scaled_historical_average', 'ridge'] as const;
export type ForecasterName = (typeof FORECASTER_NAMES)[number];

/**
 * Forecasts slots `origin + 1 … origin + horizons` of the series it was trained on, using only
 * `values[0..origin]` (never a later slot). An entry is `null` when the forecaster has too little
 * history for it (e.g. seasonal naive in the first week).
 */
export type Predict = (origin: number, horizons: number) => (number | null)[];

/**
 * A forecasting method: `train` learns from slots `[0, trainEnd)` of `series` (baselines learn
 * nothing) and returns the {@link Predict} function for origins at or after `trainEnd - 1`.
 */
export interface Forecaster {
  readonly name: ForecasterName;
  train(series: SlotSeries, trainEnd: number): Predict;
}

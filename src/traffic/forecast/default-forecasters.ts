import { historicalAverage, scaledHistoricalAverage, seasonalNaive, type BaselineConfig } from './baselines.ts';
import type { Forecaster } from './forecaster.ts';
import { ridgeForecaster, type RidgeConfig } from './ridge-forecaster.ts';

/** The three baselines and the ridge model, in report order. */
export function defaultForecasters(config: BaselineConfig & RidgeConfig = {}): Forecaster[] {
  return [seasonalNaive, historicalAverage(config), scaledHistoricalAverage(config), ridgeForecaster(config)];
}

/**
 * One-hour-ahead forecasts of regular 5-minute series (docs/forecast.md): baselines, the ridge model,
 * rolling-origin evaluation. Pure: plain series in, numbers out.
 */
export { FIVE_MINUTES, slotsPer, toSlotSeries, type SlotPoint, type SlotSeries } from './slot-series.ts';
export { FORECASTER_NAMES, type Forecaster, type ForecasterName, type Predict } from './forecaster.ts';
export { historicalAverage, scaledHistoricalAverage, seasonalNaive, type BaselineConfig } from './baselines.ts';
export { ridgeForecaster, type RidgeConfig } from './ridge-forecaster.ts';
export { defaultForecasters } from './default-forecasters.ts';
export { errorMetrics, ErrorAccumulator, type ErrorMetrics } from './error-metrics.ts';
export { bestAt, evaluateForecasters, type Evaluation, type EvaluationConfig, type HorizonErrors } from './evaluate-forecasters.ts';
export { forecastSeries, type ForecastRow } from './forecast-series.ts';

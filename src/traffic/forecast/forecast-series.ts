import type { Forecaster, ForecasterName } from './forecaster.ts';
import type { SlotSeries } from './slot-series.ts';

/** One forecast slot: when it starts, how far ahead, and each forecaster's value (null: no answer). */
export interface ForecastRow {
  /** Start of the forecast slot, epoch ms. */
  slotStart: number;
  /** Minutes from the end of the origin slot to the end of this slot (5, 10, … 60). */
  horizonMin: number;
  values: Partial<Record<ForecasterName, number | null>>;
}

/**
 * Forecasts the `horizons` slots after `origin` (a slot index; default the last slot with a value)
 * with each forecaster trained on every slot up to and including the origin. The function to call for
 * any series — a watched area's occupancy, a corridor's flow or speed.
 *
 * @example forecastSeries(series, defaultForecasters()).rows[11].values.ridge // one hour ahead
 */
export function forecastSeries(series: SlotSeries, forecasters: readonly Forecaster[], options: { origin?: number; horizons?: number } = {}): { origin: number; rows: ForecastRow[] } {
  const H = options.horizons ?? 12;
  let origin = options.origin ?? series.values.length - 1;
  if (options.origin === undefined) while (origin >= 0 && series.values[origin] === null) origin--;
  if (origin < 0 || origin >= series.values.length) throw new RangeError(`series ${series.id}: no known slot to forecast from`);
  const predicts = forecasters.map((f) => [f.name, f.train(series, origin + 1)(origin, H)] as const);
  const rows: ForecastRow[] = [];
  for (let h = 1; h <= H; h++) {
    const values: ForecastRow['values'] = {};
    for (const [name, p] of predicts) values[name] = p[h - 1] ?? null;
    rows.push({ slotStart: series.start + (origin + h) * series.stepMs, horizonMin: (h * series.stepMs) / 60_000, values });
  }
  return { origin, rows };
}

import type { SlotSeries } from './slot-series.ts';

/**
 * Mean of `values[target - p * period]` for p = 1 … `maxPeriods` over the slots known at `origin`
 * (index ≤ origin, not null); null when none is. With `period` = a week this is the historical
 * average of the same weekday-slot; with a day, of the same time of day.
 */
export function seasonalMean(values: SlotSeries['values'], target: number, origin: number, period: number, maxPeriods: number): number | null {
  let sum = 0, n = 0;
  let j = target - period;
  while (j > origin) j -= period; // a target more than one period ahead: start at the last known one
  for (let p = 0; p < maxPeriods && j >= 0; p++, j -= period) {
    const v = values[j];
    if (v !== null && v !== undefined) (sum += v), n++;
  }
  return n > 0 ? sum / n : null;
}

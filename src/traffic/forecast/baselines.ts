import type { Forecaster, Predict } from './forecaster.ts';
import { seasonalMean } from './seasonal-stats.ts';
import { slotsPer, type SlotSeries } from './slot-series.ts';

/** Options of the baselines. */
export interface BaselineConfig {
  /** Weeks of history the historical average looks back over. [8] */
  weeks?: number;
  /** Slots of the "last hour" whose observed ÷ historical-average ratio scales the forecast. [12] */
  ratioSlots?: number;
}

/** Seasonal naive: the value of the same slot one week earlier (null when that slot is unknown). */
export const seasonalNaive: Forecaster = {
  name: 'seasonal_naive',
  train(series: SlotSeries): Predict {
    const { week } = slotsPer(series), v = series.values;
    return (origin, horizons) => {
      const out: (number | null)[] = [];
      for (let h = 1; h <= horizons; h++) {
        let j = origin + h - week;
        while (j > origin) j -= week;
        out.push(j >= 0 ? (v[j] ?? null) : null);
      }
      return out;
    };
  },
};

/** Historical average: the mean of the same weekday-slot over the last `weeks` weeks with a value. */
export function historicalAverage(config: BaselineConfig = {}): Forecaster {
  const weeks = config.weeks ?? 8;
  return {
    name: 'historical_average',
    train(series) {
      const { week } = slotsPer(series), v = series.values;
      return (origin, horizons) => {
        const out: (number | null)[] = [];
        for (let h = 1; h <= horizons; h++) out.push(seasonalMean(v, origin + h, origin, week, weeks));
        return out;
      };
    },
  };
}

/**
 * Historical average scaled by the last hour: HA(target) × Σ observed ÷ Σ HA over the last
 * `ratioSlots` slots up to the origin (slots where both are known); ratio 1 when that sum of HA is 0
 * or nothing is known.
 */
export function scaledHistoricalAverage(config: BaselineConfig = {}): Forecaster {
  const weeks = config.weeks ?? 8, ratioSlots = config.ratioSlots ?? 12;
  return {
    name: 'scaled_historical_average',
    train(series) {
      const { week } = slotsPer(series), v = series.values;
      return (origin, horizons) => {
        let obs = 0, ha = 0;
        for (let j = Math.max(0, origin - ratioSlots + 1); j <= origin; j++) {
          const y = v[j], m = seasonalMean(v, j, origin, week, weeks);
          if (y === null || y === undefined || m === null) continue;
          obs += y;
          ha += m;
        }
        const ratio = ha > 0 ? obs / ha : 1;
        const out: (number | null)[] = [];
        for (let h = 1; h <= horizons; h++) {
          const m = seasonalMean(v, origin + h, origin, week, weeks);
          out.push(m === null ? null : m * ratio);
        }
        return out;
      };
    },
  };
}

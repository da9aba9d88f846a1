import type { Forecaster } from './forecaster.ts';
import { RidgeFeatures, type FeatureWindows } from './ridge-features.ts';
import { fitRidge, predictLinear, type LinearModel } from './ridge-regression.ts';
import { slotsPer } from './slot-series.ts';

/** Options of the {@link ridgeForecaster}. */
export interface RidgeConfig extends Partial<FeatureWindows> {
  /** Horizons (slots ahead) a model is fitted for. [12: one hour of 5-minute slots] */
  horizons?: number;
  /** L2 penalty on standardised features. [0.01] */
  lambda?: number;
  /** Fewest training rows per horizon; with fewer the forecaster answers null. [200] */
  minRows?: number;
}

/**
 * The model that beats the baselines: one ridge regression per horizon h (the "direct" multi-step
 * strategy) from features known at the origin — the last values and the last hour against its usual
 * level, the same weekday-slot and time-of-day averages of the target slot, and the daily profile
 * scaled by the last hour's ratio — to the value h slots later. Fitted per series on every origin of
 * the training span that has a day of history. Forecasts are clipped at 0.
 */
export function ridgeForecaster(config: RidgeConfig = {}): Forecaster {
  const windows: FeatureWindows = { days: config.days ?? 7, dayTypeDays: config.dayTypeDays ?? 14, weeks: config.weeks ?? 8, recentSlots: config.recentSlots ?? 12 };
  const H = config.horizons ?? 12, lambda = config.lambda ?? 0.01, minRows = config.minRows ?? 200;
  return {
    name: 'ridge',
    train(series, trainEnd) {
      const f = new RidgeFeatures(series, windows);
      const v = series.values;
      const X: Float64Array[][] = Array.from({ length: H }, () => []);
      const Y: number[][] = Array.from({ length: H }, () => []);
      for (let t = slotsPer(series).day; t < trainEnd - 1; t++) {
        const o = f.atOrigin(t);
        if (!o) continue;
        for (let h = 1; h <= H && t + h < trainEnd; h++) {
          const y = v[t + h];
          if (y === null || y === undefined) continue;
          const row = f.row(t, h, o);
          if (!row) continue;
          X[h - 1]!.push(row);
          Y[h - 1]!.push(y);
        }
      }
      const models: (LinearModel | null)[] = X.map((rows, i) => (rows.length >= minRows ? fitRidge(rows, Y[i]!, lambda) : null));
      return (origin, horizons) => {
        const out: (number | null)[] = [];
        const o = f.atOrigin(origin);
        for (let h = 1; h <= horizons; h++) {
          const m = models[h - 1];
          const row = o && m ? f.row(origin, h, o) : null;
          out.push(row && m ? Math.max(0, predictLinear(m, row)) : null);
        }
        return out;
      };
    },
  };
}

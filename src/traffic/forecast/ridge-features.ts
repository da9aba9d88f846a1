import { seasonalMean } from './seasonal-stats.ts';
import { slotsPer, type SlotSeries } from './slot-series.ts';

/** Names of the model's features, in column order (the intercept is implicit). */
export const RIDGE_FEATURES = [
  'ha_week_target', 'ha_day_target', 'scaled_ha_day_target', 'last', 'previous', 'ha_day_last', 'ha_week_last', 'mean_last_hour',
  'ha_day_last_hour', 'ha_daytype_target', 'ha_daytype_last', 'scaled_ha_daytype_target',
] as const;

const DAY_MS = 86_400_000;

/** Days and weeks of history the features average over. */
export interface FeatureWindows {
  /** Days for the same-time-of-day average. [7] */
  days: number;
  /** Days looked back for the same-time-of-day average over days of the same type (weekday or weekend, UTC). [14] */
  dayTypeDays: number;
  /** Weeks for the same-weekday-slot average. [8] */
  weeks: number;
  /** Slots of "the last hour". [12] */
  recentSlots: number;
}

/**
 * The model's view of one series: what is known at an origin (the last values, the last hour and its
 * usual level) and what is usual for a target slot (the same weekday-slot and time of day in the
 * past). Every value reads slots ≤ origin only. Unknown values fall back to the nearest stand-in (a
 * missing last value to its usual level; a missing weekday average to the daily one).
 */
export class RidgeFeatures {
  readonly #v: SlotSeries['values'];
  readonly #day: number;
  readonly #week: number;
  readonly #w: FeatureWindows;
  readonly #start: number;
  readonly #step: number;

  constructor(series: SlotSeries, windows: FeatureWindows) {
    this.#v = series.values;
    ({ day: this.#day, week: this.#week } = slotsPer(series));
    this.#w = windows;
    this.#start = series.start;
    this.#step = series.stepMs;
  }

  #weekend(i: number): boolean {
    const dow = (Math.floor((this.#start + i * this.#step) / DAY_MS) + 4) % 7; // 1970-01-01 was a Thursday
    return dow === 0 || dow === 6;
  }

  /** Mean of the same time of day over the last `dayTypeDays` days of the target's type, known at `origin`. */
  dayTypeMean(target: number, origin: number): number | null {
    const v = this.#v, we = this.#weekend(target);
    let sum = 0, n = 0;
    for (let d = 1; d <= this.#w.dayTypeDays; d++) {
      const j = target - d * this.#day;
      if (j < 0) break;
      if (j > origin || this.#weekend(j) !== we) continue;
      const x = v[j];
      if (x !== null && x !== undefined) (sum += x), n++;
    }
    return n > 0 ? sum / n : null;
  }

  /** The origin's part, or null when there is no history of a day yet. */
  atOrigin(t: number): Float64Array | null {
    const v = this.#v, w = this.#w;
    const hdT = seasonalMean(v, t, t, this.#day, w.days);
    if (hdT === null) return null;
    const hwT = seasonalMean(v, t, t, this.#week, w.weeks) ?? hdT;
    const last = v[t] ?? hdT;
    const prev = t > 0 ? (v[t - 1] ?? last) : last;
    const htT = this.dayTypeMean(t, t) ?? hdT;
    let sy = 0, sd = 0, st = 0, n = 0;
    for (let j = Math.max(0, t - w.recentSlots + 1); j <= t; j++) {
      const y = v[j], d = seasonalMean(v, j, t, this.#day, w.days);
      if (y === null || y === undefined || d === null) continue;
      sy += y;
      sd += d;
      st += this.dayTypeMean(j, t) ?? d;
      n++;
    }
    const my = n > 0 ? sy / n : last, md = n > 0 ? sd / n : hdT, mt = n > 0 ? st / n : htT;
    return Float64Array.of(last, prev, hdT, hwT, my, md, htT, mt);
  }

  /** The full feature row for target `t + h` given the origin part `o`, or null without a daily average. */
  row(t: number, h: number, o: Float64Array): Float64Array | null {
    const v = this.#v, w = this.#w;
    const hdJ = seasonalMean(v, t + h, t, this.#day, w.days);
    if (hdJ === null) return null;
    const hwJ = seasonalMean(v, t + h, t, this.#week, w.weeks) ?? hdJ;
    const htJ = this.dayTypeMean(t + h, t) ?? hdJ;
    const ratio = o[5]! > 0 ? Math.min(5, o[4]! / o[5]!) : 1;
    const ratioT = o[7]! > 0 ? Math.min(5, o[4]! / o[7]!) : 1;
    return Float64Array.of(hwJ, hdJ, hdJ * ratio, o[0]!, o[1]!, o[2]!, o[3]!, o[4]!, o[5]!, htJ, o[6]!, htJ * ratioT);
  }
}

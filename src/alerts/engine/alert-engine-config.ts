import type { CrowdAlertKind } from '../../../schemas/alert.ts';
import type { WatchedArea } from './watched-area.ts';
import type { LevelThresholds } from './level-thresholds.ts';

/** How an open incident resists flapping. */
export interface HysteresisConfig {
  /**
   * Relative margin: an incident at level L holds while its measure stays ≥ threshold(L) × (1 − margin).
   * Default 0.1 (a notice at 60 % of capacity holds down to 54 %).
   */
  margin: number;
  /** Consecutive windows under that line before it de-escalates or resolves. Default 2. */
  windows: number;
}

/** The `forecast` kind: a least-squares line through the last windows, extrapolated. */
export interface ForecastConfig {
  /** How far ahead the trend is extrapolated, ms. Default 30 min. */
  horizonMs: number;
  /** Windows in the fit (the current one and the ones before). Default 4 (1 h of 15-min windows). */
  windows: number;
  /** Fewer points than this in the fit window: no forecast. Default 3. */
  minWindows: number;
}

/** The `anomaly` kind: far above the usual count for this weekday and time of day. */
export interface AnomalyConfig {
  /** Previous weeks forming the baseline (same window start − k × 7 days, k = 1…weeks). Default 4. */
  weeks: number;
  /**
   * Cold start: no anomaly alerts for a window until at least this many of those previous weeks
   * have a count (from the presence table or seen by the engine). Default 3.
   */
  minWeeks: number;
  /** z-score thresholds. Default notice 3, warning 4, critical 5. */
  levels: LevelThresholds;
  /** And people must be at least this multiple of the usual count. Default 1.5. */
  minRatio: number;
  /** And at least this many people (quiet areas do not page anyone). Default 50. */
  minPeople: number;
}

/**
 * Configuration of an {@link AlertEngine}. Everything but `areas` has a default.
 */
export interface AlertEngineConfig {
  /** The watched areas (see parseAreas); their cells must be at the pipeline's base resolution. */
  areas: readonly WatchedArea[];
  /** Kinds evaluated. Default all of CROWD_ALERT_KINDS. */
  kinds?: readonly CrowdAlertKind[];
  /**
   * People per present device, e.g. `1 / market share` (0.35 share → 2.857). Default 1.0 (devices are
   * reported as people). An area's `scale` overrides it.
   */
  peoplePerDevice?: number;
  /** Capacity level fractions. Default notice 0.6, warning 0.8, critical 1.0; an area's `levels` override. */
  levels?: Partial<LevelThresholds>;
  /** Density limit (people/km²) for areas without `density_limit`. Default null: density alerts only where set. */
  densityLimit?: number | null;
  hysteresis?: Partial<HysteresisConfig>;
  forecast?: Partial<ForecastConfig>;
  anomaly?: Partial<AnomalyConfig>;
}

/** The defaults of {@link AlertEngineConfig}. */
export const ALERT_ENGINE_DEFAULTS = {
  peoplePerDevice: 1,
  densityLimit: null,
  hysteresis: { margin: 0.1, windows: 2 } satisfies HysteresisConfig,
  forecast: { horizonMs: 30 * 60_000, windows: 4, minWindows: 3 } satisfies ForecastConfig,
  anomaly: { weeks: 4, minWeeks: 3, levels: { notice: 3, warning: 4, critical: 5 }, minRatio: 1.5, minPeople: 50 } satisfies AnomalyConfig,
} as const;

import type { CrowdAlertKind, AlertLevel } from '../../../schemas/alert.ts';
import { levelAt, levelRank, type LevelThresholds } from './level-thresholds.ts';
import type { AreaWindow } from './area-window.ts';
import type { ResolvedEngineConfig } from './resolve-engine-config.ts';

/** What a kind measures in one window, against which thresholds. */
export interface KindMeasure {
  /** The measure; null counts as below every threshold (no data, cold start, condition not met). */
  value: number | null;
  thresholds: LevelThresholds;
  /** Levels up to this one do not count for this kind (forecast: levels the crowd already reached). */
  floor: AlertLevel | null;
}

/** Evaluates one kind for one area window; null when the kind does not apply to the area. */
export type KindRule = (w: AreaWindow, c: ResolvedEngineConfig) => KindMeasure | null;

/**
 * z-score of the window's devices against its weekly baseline, or null during the cold start
 * (fewer than `anomaly.minWeeks` previous weeks), for small crowds (< `minPeople`) and for counts
 * under `minRatio` × the usual one. The spread has a floor of √mean (Poisson noise) and 1.
 */
export function anomalyScore(w: AreaWindow, c: ResolvedEngineConfig): number | null {
  const b = w.baseline;
  if (!b || b.weeks < c.anomaly.minWeeks) return null;
  if (w.people < c.anomaly.minPeople || w.devices < c.anomaly.minRatio * b.mean) return null;
  return zScore(w.devices, b.mean, b.std);
}

/** (x − mean) / max(std, √mean, 1). */
export function zScore(x: number, mean: number, std: number): number {
  return (x - mean) / Math.max(std, Math.sqrt(Math.max(mean, 0)), 1);
}

/** The rule of every alert kind. A kind missing here fails to compile. */
export const KIND_RULES: Record<CrowdAlertKind, KindRule> = {
  capacity: (w) => ({ value: w.people, thresholds: w.resolved.capacity, floor: null }),
  density: (w) => (w.resolved.density ? { value: w.density, thresholds: w.resolved.density, floor: null } : null),
  anomaly: (w, c) => ({ value: anomalyScore(w, c), thresholds: c.anomaly.levels, floor: null }),
  // A forecast only counts for levels neither the crowd nor the open capacity incident has reached.
  forecast: (w) => {
    const rising = w.forecast !== null && w.forecast.slope > 0;
    const now = levelAt(w.people, w.resolved.capacity);
    return {
      value: rising ? w.forecast!.people : null,
      thresholds: w.resolved.capacity,
      floor: levelRank(now) >= levelRank(w.capacityLevel) ? now : w.capacityLevel,
    };
  },
};

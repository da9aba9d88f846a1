import type { AreaHistory } from './area-history.ts';

/** One week in ms: baselines compare a window with the same UTC weekday and time in earlier weeks. */
export const WEEK_MS = 7 * 86_400_000;

/** The usual count of an area for a window: mean and spread over previous weeks' same window. */
export interface SlotBaseline {
  /** Mean devices. */
  mean: number;
  /** Sample standard deviation of devices (0 for one observation). */
  std: number;
  /** Weeks that had a count. */
  weeks: number;
}

/**
 * Baseline of `areaId` for the window starting at `windowStart`: the counts at
 * `windowStart − k × 7 days`, k = 1…weeks, that exist. Null when none do.
 */
export function slotBaseline(history: AreaHistory, areaId: string, windowStart: number, weeks: number): SlotBaseline | null {
  const xs: number[] = [];
  for (let k = 1; k <= weeks; k++) {
    const v = history.get(areaId, windowStart - k * WEEK_MS);
    if (v !== undefined) xs.push(v);
  }
  if (xs.length === 0) return null;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const varSum = xs.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: xs.length > 1 ? Math.sqrt(varSum / (xs.length - 1)) : 0, weeks: xs.length };
}

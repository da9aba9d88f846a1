import { ALERT_LEVELS, type AlertLevel } from '../../../schemas/alert.ts';

/**
 * A threshold per alert level, in one unit (a fraction of capacity, people, people/km², a z-score),
 * strictly ascending from `notice` to `critical`.
 */
export type LevelThresholds = Readonly<Record<AlertLevel, number>>;

/** Default capacity levels, as fractions of capacity: notice 60 %, warning 80 %, critical 100 %. */
export const DEFAULT_LEVELS: LevelThresholds = { notice: 0.6, warning: 0.8, critical: 1.0 };

/** Rank of a level (notice 0 … critical 2); −1 for none. */
export function levelRank(level: AlertLevel | null): number {
  return level === null ? -1 : ALERT_LEVELS.indexOf(level);
}

/**
 * The highest level whose threshold × `factor` the value reaches, or null.
 * `factor` < 1 gives the hysteresis (exit) thresholds.
 * @example levelAt(850, { notice: 600, warning: 800, critical: 1000 }) // 'warning'
 */
export function levelAt(value: number | null, t: LevelThresholds, factor = 1): AlertLevel | null {
  if (value === null || !Number.isFinite(value)) return null;
  let found: AlertLevel | null = null;
  for (const l of ALERT_LEVELS) if (value >= t[l] * factor) found = l;
  return found;
}

/** Every threshold multiplied by `k` (fractions of capacity → people). */
export function scaleThresholds(t: LevelThresholds, k: number): LevelThresholds {
  return { notice: t.notice * k, warning: t.warning * k, critical: t.critical * k };
}

/**
 * Merges partial thresholds over `base` and checks them: finite, > 0, strictly ascending.
 * Throws a RangeError starting with `what`.
 */
export function mergeThresholds(base: LevelThresholds, over: Partial<Record<AlertLevel, number>> | undefined, what: string): LevelThresholds {
  const t = { ...base, ...over };
  let prev = 0;
  for (const l of ALERT_LEVELS) {
    const v = t[l];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`${what}: ${l} must be a number > 0, got ${String(v)}`);
    if (v <= prev) throw new RangeError(`${what}: levels must ascend (notice < warning < critical), got ${ALERT_LEVELS.map((x) => `${x} ${t[x]}`).join(', ')}`);
    prev = v;
  }
  return t;
}

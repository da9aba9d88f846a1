/** Event-time windowing of presence. */
export interface WindowConfig {
  /** Tumbling window size in ms, epoch-aligned, 1–60 minutes. Default 15 min. */
  windowMs: number;
  /** Allowed lateness: watermark = highest event time seen − lateness. Default 5 min. */
  latenessMs: number;
  /**
   * How long an event holds its device at its location when no later event comes. Default 60 min,
   * just above the ~54 min periodic TAU interval.
   */
  presenceTimeoutMs: number;
}

/** The defaults of {@link WindowConfig}. */
export const DEFAULT_WINDOW_CONFIG: WindowConfig = {
  windowMs: 15 * 60_000,
  latenessMs: 5 * 60_000,
  presenceTimeoutMs: 60 * 60_000,
};

/** Checks a {@link WindowConfig}, throwing a RangeError that names the field. */
export function checkWindowConfig(c: WindowConfig): WindowConfig {
  if (!Number.isInteger(c.windowMs) || c.windowMs < 60_000 || c.windowMs > 3_600_000) {
    throw new RangeError(`window must be 1–60 minutes, got ${c.windowMs / 60_000} min`);
  }
  if (3_600_000 % c.windowMs !== 0 && c.windowMs % 60_000 !== 0) {
    throw new RangeError('window must be a whole number of minutes');
  }
  if (!(c.latenessMs >= 0)) throw new RangeError('lateness must be ≥ 0');
  if (!(c.presenceTimeoutMs > 0)) throw new RangeError('presence timeout must be > 0');
  return c;
}

/** Start of the epoch-aligned window holding `ts`. */
export function windowStart(ts: number, windowMs: number): number {
  return Math.floor(ts / windowMs) * windowMs;
}

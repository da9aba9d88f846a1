/** Released visitors of one area in one window, by origin (counts 0 or ≥ k only). */
export interface VisitorWindow {
  windowStart: number;
  windowEnd: number;
  origins: Readonly<Record<string, number>>;
}

/**
 * The alert rule on live visitors by origin: an incident opens in the first window where the visitors
 * from one origin reach `level`, and closes in the first window where they fall below
 * `clearRatio × level` (hysteresis: one incident per surge, not one per window).
 */
export interface VisitorRule {
  /** Visitors from one origin that open an incident (devices, ≥ 1). */
  level: number;
  /** Only this origin (a home zone, an ISO country, `unknown`); default every origin. */
  origin?: string;
  /** Share of `level` below which an open incident closes. [0.8] */
  clearRatio?: number;
}

/** One surge of visitors from one origin. */
export interface VisitorIncident {
  origin: string;
  /** Start of the window that opened it. */
  openedAt: number;
  /** End of the window that closed it, or null while open. */
  closedAt: number | null;
  peak: number;
  /** Start of the window of the peak. */
  peakAt: number;
}

/**
 * Incidents of `rule` over an area's windows (any order; sorted by start here). Feed it released
 * counts only, so an incident never reveals a count below k.
 *
 * @example
 * visitorIncidents([{ windowStart: 0, windowEnd: 1, origins: { FR: 60 } }], { level: 50 })
 * // [{ origin: 'FR', openedAt: 0, closedAt: null, peak: 60, peakAt: 0 }]
 */
export function visitorIncidents(windows: readonly VisitorWindow[], rule: VisitorRule): VisitorIncident[] {
  if (!(rule.level >= 1)) throw new RangeError(`level must be ≥ 1, got ${rule.level}`);
  const clear = (rule.clearRatio ?? 0.8) * rule.level;
  if (!(clear >= 0 && clear <= rule.level)) throw new RangeError(`clearRatio must be in [0, 1], got ${rule.clearRatio}`);
  const open = new Map<string, VisitorIncident>();
  const out: VisitorIncident[] = [];
  for (const w of [...windows].sort((a, b) => a.windowStart - b.windowStart)) {
    const origins = new Set([...Object.keys(w.origins), ...open.keys()]);
    for (const o of [...origins].sort()) {
      if (rule.origin !== undefined && o !== rule.origin) continue;
      const v = w.origins[o] ?? 0;
      const cur = open.get(o);
      if (cur) {
        if (v > cur.peak) Object.assign(cur, { peak: v, peakAt: w.windowStart });
        if (v < clear) {
          cur.closedAt = w.windowEnd;
          open.delete(o);
        }
      } else if (v >= rule.level) {
        const inc: VisitorIncident = { origin: o, openedAt: w.windowStart, closedAt: null, peak: v, peakAt: w.windowStart };
        open.set(o, inc);
        out.push(inc);
      }
    }
  }
  return out;
}

import { localToInstant, wallTimeAt } from './zoned-time.ts';

/** A local calendar day and the instants it spans: [fromMs, toMs), 23 or 25 hours on DST days. */
export interface LocalDay {
  /** `YYYY-MM-DD`. */
  day: string;
  fromMs: number;
  toMs: number;
}

/**
 * The local day `offsetDays` away from the day containing `atMs` in `timeZone`
 * (−1: yesterday, what a report run after midnight covers).
 * @example localDay(Date.parse('2026-03-30T00:30Z'), 'Europe/Rome', -1) // 2026-03-29, 23 hours long
 */
export function localDay(atMs: number, timeZone: string, offsetDays = 0): LocalDay {
  const w = wallTimeAt(atMs, timeZone);
  const midnight = Date.UTC(w.year, w.month - 1, w.day + offsetDays);
  return {
    day: new Date(midnight).toISOString().slice(0, 10),
    fromMs: localToInstant(midnight, timeZone),
    toMs: localToInstant(midnight + 86_400_000, timeZone),
  };
}

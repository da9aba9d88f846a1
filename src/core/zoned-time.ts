/** A wall-clock time in some time zone, fields as on a clock (month 1–12). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * Checks an IANA time zone name (`UTC`, `Europe/Rome`, `Asia/Shanghai`).
 * @throws RangeError naming the zone when the runtime does not know it.
 */
export function checkTimeZone(timeZone: string): string {
  try {
    formatter(timeZone);
  } catch (cause) {
    throw new RangeError(`unknown time zone "${timeZone}" (use an IANA name such as UTC or Europe/Rome)`, { cause });
  }
  return timeZone;
}

/** The wall-clock time at instant `ms` in `timeZone`. */
export function wallTimeAt(ms: number, timeZone: string): WallTime {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The wall time read as if it were UTC, in ms: the arithmetic "local epoch" used for offsets. */
export function wallToLocalMs(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** UTC offset of `timeZone` at instant `ms`, in ms (Rome in summer: +7 200 000). Whole seconds. */
export function offsetAt(ms: number, timeZone: string): number {
  const whole = Math.floor(ms / 1000) * 1000;
  return wallToLocalMs(wallTimeAt(whole, timeZone)) - whole;
}

/**
 * The instant at which the wall clock of `timeZone` shows `localMs` (a {@link wallToLocalMs} value),
 * resolved like Temporal's `disambiguation: 'compatible'` and like cron:
 * - a time that occurs twice (the fall-back hour) maps to its first occurrence;
 * - a time that does not exist (the spring-forward gap) moves forward by the gap
 *   (Europe/Rome 02:30 on the spring-forward day → 03:30 CEST).
 * Assumes at most one offset change within a day either side, true of every real zone.
 */
export function localToInstant(localMs: number, timeZone: string): number {
  const DAY = 86_400_000;
  const before = offsetAt(localMs - DAY, timeZone);
  const after = offsetAt(localMs + DAY, timeZone);
  const valid = [before, after].map((o) => localMs - o).filter((ms) => offsetAt(ms, timeZone) === localMs - ms);
  if (valid.length > 0) return Math.min(...valid);
  return localMs - before;
}

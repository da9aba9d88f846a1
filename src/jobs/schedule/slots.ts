import type { CronSchedule } from './cron-schedule.ts';
import { localToInstant, offsetAt, wallTimeAt } from '../../core/zoned-time.ts';

const DAY = 86_400_000;
/** How far {@link nextSlot} and {@link previousSlot} look before giving up (a `0 0 30 2 *` never fires). */
const SEARCH_DAYS = 366 * 5;

/**
 * The slot instants (UTC ms) of `schedule` on one local calendar day in `timeZone`, sorted and
 * without duplicates. `dayMs` is the day's midnight read as UTC (`Date.UTC(y, m - 1, d)`).
 *
 * Wall times are resolved with {@link localToInstant}: on a spring-forward day a time in the gap
 * moves past it (02:30 → 03:30) and merges with a slot already there; on a fall-back day the
 * repeated hour fires once, at its first occurrence. So a daily 02:30 job runs exactly once a day.
 */
export function slotsOnDay(schedule: CronSchedule, dayMs: number, timeZone: string): number[] {
  const date = new Date(dayMs);
  if (
    !schedule.months.has(date.getUTCMonth() + 1) ||
    !schedule.daysOfMonth.has(date.getUTCDate()) ||
    !schedule.daysOfWeek.has(date.getUTCDay())
  ) {
    return [];
  }
  // Offsets at instants bracketing the whole local day (zones span UTC−12…+14): equal means no change.
  const startOffset = offsetAt(dayMs - 14 * 3_600_000, timeZone);
  const steady = startOffset === offsetAt(dayMs + DAY + 14 * 3_600_000, timeZone);
  const out: number[] = [];
  for (const h of schedule.hours) {
    for (const m of schedule.minutes) {
      const local = dayMs + h * 3_600_000 + m * 60_000;
      out.push(steady ? local - startOffset : localToInstant(local, timeZone));
    }
  }
  if (steady) return out;
  return [...new Set(out)].sort((a, b) => a - b);
}

/** Local midnight (read as UTC) of the day containing instant `ms` in `timeZone`. */
function localDay(ms: number, timeZone: string): number {
  const w = wallTimeAt(ms, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day);
}

/**
 * The first slot strictly after `afterMs`, or `null` when none falls within five years.
 * @example nextSlot(parseCron('30 2 * * *'), Date.parse('2026-03-29T00:00Z'), 'Europe/Rome') // 2026-03-29T01:30Z (03:30 CEST)
 */
export function nextSlot(schedule: CronSchedule, afterMs: number, timeZone: string): number | null {
  return slotsBetween(schedule, afterMs, Infinity, timeZone, 1)[0] ?? null;
}

/** The last slot at or before `atMs`, or `null` when none falls within five years. */
export function previousSlot(schedule: CronSchedule, atMs: number, timeZone: string): number | null {
  let day = localDay(atMs, timeZone) + DAY;
  for (let i = 0; i < SEARCH_DAYS; i++, day -= DAY) {
    const found = slotsOnDay(schedule, day, timeZone).filter((s) => s <= atMs);
    if (found.length === 0) continue;
    // A gap-shifted slot of the day before can lie later than this day's first slots.
    const before = slotsOnDay(schedule, day - DAY, timeZone).filter((s) => s <= atMs);
    return Math.max(...found, ...before);
  }
  return null;
}

/**
 * Slots in `(afterMs, untilMs]`, oldest first, at most `limit` of them (the oldest ones). Searches at
 * most five years past `afterMs`.
 */
export function slotsBetween(schedule: CronSchedule, afterMs: number, untilMs: number, timeZone: string, limit = Infinity): number[] {
  const found = new Set<number>();
  // Start a day early: a gap-shifted slot of the previous local day can land after `afterMs`.
  const firstDay = localDay(afterMs, timeZone) - DAY;
  const lastDay = Number.isFinite(untilMs) ? localDay(untilMs, timeZone) + DAY : firstDay + SEARCH_DAYS * DAY;
  let extraDays = -1;
  for (let day = firstDay; day <= lastDay && extraDays !== 0; day += DAY) {
    for (const s of slotsOnDay(schedule, day, timeZone)) if (s > afterMs && s <= untilMs) found.add(s);
    // Once enough are found, one more day settles the order of shifted slots.
    if (extraDays > 0) extraDays--;
    else if (extraDays < 0 && found.size >= limit) extraDays = 1;
  }
  return [...found].sort((a, b) => a - b).slice(0, limit);
}

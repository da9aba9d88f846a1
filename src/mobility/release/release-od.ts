import type { OdBy, OdCell } from '../engine/od-cell.ts';

const H = 3_600_000;
const DAY = 86_400_000;

/** One released OD value. */
export interface ReleasedOd {
  origin: string;
  destination: string;
  /** Start of the hour or UTC day (epoch ms), or null for the whole period. */
  period: number | null;
  trips: number;
}

/**
 * Releases OD counts differencing-safe along the time hierarchy hour → day → total, on the privacy
 * rule "every released total is a sum of whole released elements, each ≥ k" (to be swapped for the
 * shared release-elements module):
 * - an hour is released when its true count is ≥ k;
 * - a day = Σ of its released hours + the remainder (true day − released hours) only when that
 *   remainder is ≥ k; a total = Σ of released days + its remainder only when ≥ k.
 * So any released value minus the released values below it is 0 or ≥ k, and values below k never
 * appear. Released values may be lower than the truth (suppressed remainders are dropped).
 * Pure; rows sorted by period, origin, destination.
 *
 * @example
 * releaseOd([{ origin: 'A', destination: 'B', hour: 0, trips: 25 }, { origin: 'A', destination: 'B', hour: H, trips: 7 }], 'day', 20)
 * // → [{ origin: 'A', destination: 'B', period: 0, trips: 25 }] (remainder 7 < 20 suppressed)
 */
export function releaseOd(cells: readonly OdCell[], by: OdBy, k: number): ReleasedOd[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`releaseOd: k must be an integer ≥ 1, got ${k}`);
  /** pair → day → hour → true trips */
  const pairs = new Map<string, Map<number, Map<number, number>>>();
  for (const c of cells) {
    if (c.hour % H !== 0) throw new RangeError(`releaseOd: hour ${c.hour} is not the start of an hour`);
    const key = `${c.origin}\u0000${c.destination}`;
    let days = pairs.get(key);
    if (!days) pairs.set(key, (days = new Map()));
    const day = Math.floor(c.hour / DAY) * DAY;
    let hours = days.get(day);
    if (!hours) days.set(day, (hours = new Map()));
    hours.set(c.hour, (hours.get(c.hour) ?? 0) + c.trips);
  }
  const out: ReleasedOd[] = [];
  for (const [key, days] of pairs) {
    const [origin, destination] = key.split('\u0000') as [string, string];
    let totalTrue = 0, totalReleased = 0;
    for (const [day, hours] of days) {
      let dayTrue = 0, dayReleased = 0;
      for (const [hour, trips] of hours) {
        dayTrue += trips;
        if (trips >= k) {
          dayReleased += trips;
          if (by === 'hour') out.push({ origin, destination, period: hour, trips });
        }
      }
      const rest = dayTrue - dayReleased;
      if (rest >= k) dayReleased += rest;
      totalTrue += dayTrue;
      totalReleased += dayReleased;
      if (by === 'day' && dayReleased > 0) out.push({ origin, destination, period: day, trips: dayReleased });
    }
    const rest = totalTrue - totalReleased;
    if (rest >= k) totalReleased += rest;
    if (by === 'total' && totalReleased > 0) out.push({ origin, destination, period: null, trips: totalReleased });
  }
  return out.sort((a, b) => (a.period ?? 0) - (b.period ?? 0) || cmp(a.origin, b.origin) || cmp(a.destination, b.destination));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

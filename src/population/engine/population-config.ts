/**
 * Rules of home/work detection and classification (docs/population.md). Every field is optional in
 * {@link PopulationConfig}; {@link resolvePopulationConfig} fills the defaults stated here.
 */
export interface PopulationConfig {
  /** IANA time zone in which night and day are read. ['UTC'] */
  timeZone?: string;
  /** Local hour a night starts (scikit-mobility's home_location: 22:00). [22] */
  nightStartHour?: number;
  /** Local hour a night ends, on the next day (scikit-mobility: 07:00). [7] */
  nightEndHour?: number;
  /** Local hour weekday daytime starts. [9] */
  dayStartHour?: number;
  /** Local hour weekday daytime ends. [17] */
  dayEndHour?: number;
  /** Least time a stay must overlap a night to count that night at its place, ms. [1 h] */
  minNightOverlapMs?: number;
  /** Least time a stay must overlap a weekday's daytime to count that day at its place, ms. [2 h] */
  minDayOverlapMs?: number;
  /** Minimum evidence for a home: distinct nights at the place. [3] */
  minHomeNights?: number;
  /**
   * Minimum evidence for a home as a share of the nights in the period (FlowKit's HomeLocationMonthly
   * asks for 15 days of a month): home needs max(minHomeNights, ⌈share × nights⌉) nights, so a guest
   * of a few nights has no home. [0.25]
   */
  minHomeNightShare?: number;
  /** Minimum evidence for a work place: distinct weekdays at the place. [3] */
  minWorkDays?: number;
  /** Least distance between work and home centres, m ("away from home"). [500] */
  minWorkDistanceM?: number;
  /**
   * People in transit: a cell where a device was seen counts only when its centre is at least this far
   * from every stay place of the device in the period, m — a phone at rest briefly served by a site
   * across a zone border (ping-pong) is not passing through. [1000]
   */
  minTransitDistanceM?: number;
  /**
   * Counts by day: a resident (worker) is present at home (work) on a day with a stay at the place's
   * H3 cell or centred within this distance of the place's centre, m — the same place lands in a
   * neighbouring cell on some days. [500]
   */
  presentRadiusM?: number;
}

/** A {@link PopulationConfig} with every default filled in. */
export type ResolvedPopulationConfig = Required<PopulationConfig>;

const H = 3_600_000;

/** The documented defaults. */
export const DEFAULT_POPULATION_CONFIG: ResolvedPopulationConfig = {
  timeZone: 'UTC',
  nightStartHour: 22,
  nightEndHour: 7,
  dayStartHour: 9,
  dayEndHour: 17,
  minNightOverlapMs: H,
  minDayOverlapMs: 2 * H,
  minHomeNights: 3,
  minHomeNightShare: 0.25,
  minWorkDays: 3,
  minWorkDistanceM: 500,
  minTransitDistanceM: 1000,
  presentRadiusM: 500,
};

/** Fills the defaults and checks every field, naming the bad one. */
export function resolvePopulationConfig(config: PopulationConfig = {}): ResolvedPopulationConfig {
  const c: ResolvedPopulationConfig = { ...DEFAULT_POPULATION_CONFIG };
  for (const [k, v] of Object.entries(config)) if (v !== undefined) (c as unknown as Record<string, unknown>)[k] = v;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: c.timeZone });
  } catch (cause) {
    throw new RangeError(`PopulationConfig.timeZone: unknown IANA time zone ${JSON.stringify(c.timeZone)}`, { cause });
  }
  for (const k of ['nightStartHour', 'nightEndHour', 'dayStartHour', 'dayEndHour'] as const) {
    const v = c[k];
    if (!Number.isInteger(v) || v < 0 || v > 24) throw new RangeError(`PopulationConfig.${k}: expected an hour 0–24, got ${v}`);
  }
  if (c.nightStartHour < 12 || c.nightEndHour > 12) throw new RangeError(`PopulationConfig: a night must span midnight (start ≥ 12, end ≤ 12), got ${c.nightStartHour}–${c.nightEndHour}`);
  if (c.dayStartHour >= c.dayEndHour) throw new RangeError(`PopulationConfig: dayStartHour ${c.dayStartHour} must be before dayEndHour ${c.dayEndHour}`);
  if (!(c.minHomeNightShare >= 0 && c.minHomeNightShare <= 1)) throw new RangeError(`PopulationConfig.minHomeNightShare: expected a share in [0, 1], got ${c.minHomeNightShare}`);
  for (const k of ['minNightOverlapMs', 'minDayOverlapMs', 'minWorkDistanceM', 'minTransitDistanceM', 'presentRadiusM'] as const) {
    if (!(Number.isFinite(c[k]) && c[k] >= 0)) throw new RangeError(`PopulationConfig.${k}: expected a finite number ≥ 0, got ${c[k]}`);
  }
  for (const k of ['minHomeNights', 'minWorkDays'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new RangeError(`PopulationConfig.${k}: expected an integer ≥ 1, got ${c[k]}`);
  }
  return c;
}

/** The kinds of planted crowd events. */
export const SCENARIO_KINDS = ['stadium', 'gathering'] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

/**
 * A planted crowd event, as configured. Everything but `kind` has a default that depends on it:
 *
 * | | stadium | gathering |
 * |---|---|---|
 * | venue | zone marked `venue: stadium`, else named like `stadio`, else a zone ~45 % of the way out | zone marked `venue: square`, else named like `duomo`/`piazza`, else the most central zone |
 * | start | 18:30 of the first day | 14:00 of the first day |
 * | fill / peak / drain | 90 / 120 / 45 min | 210 / 60 / 60 min |
 * | share of subscribers | 0.15 | 0.03 |
 * | radius | 200 m | 100 m |
 */
export interface ScenarioSpec {
  kind: ScenarioKind;
  /** Id in the truth. [`<kind>-<n>`] */
  id?: string;
  /** Zone holding the venue. */
  zoneId?: string;
  /** Venue centre. [an interior point of the zone, far from its edges] */
  center?: { lat: number; lon: number };
  /** Venue radius, metres; attendees are spread uniformly over the disc. Capped to stay inside the zone. */
  radiusM?: number;
  /** When arrivals begin: epoch ms or RFC 3339. */
  start?: number | string;
  /** Arrivals are spread evenly over this many ms after `start`. */
  fillMs?: number;
  /** How long everyone stays after arrivals end, ms. */
  peakMs?: number;
  /** Departures are spread evenly over this many ms after the peak. */
  drainMs?: number;
  /** Share of all subscribers attending. */
  share?: number;
}

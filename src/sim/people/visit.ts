/** Kinds of simulated visitors (population analysis, docs/population.md). */
export const VISITOR_KINDS = ['day_visitor', 'overnight_visitor', 'roamer'] as const;
export type VisitorKind = (typeof VISITOR_KINDS)[number];

/** A visitor's stay in the city: its phone is on the network only during the visit. */
export interface Visit {
  kind: VisitorKind;
  /** Index of the simulated day of arrival. */
  arriveDay: number;
  /** Nights spent in the city (0 for day visitors). Departure is on day `arriveDay + nights`. */
  nights: number;
  /** ISO 3166-1 alpha-2 country of an inbound roamer; null for domestic visitors. */
  country: string | null;
}

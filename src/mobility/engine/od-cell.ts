/** Variants of the OD matrix (FlowKit's ConsecutiveTripsODMatrix and TripsODMatrix). */
export const OD_VARIANTS = ['consecutive', 'all-pairs'] as const;
export type OdVariant = (typeof OD_VARIANTS)[number];

/** Time aggregation of an OD release. */
export const OD_BY = ['hour', 'day', 'total'] as const;
export type OdBy = (typeof OD_BY)[number];

/** A true (unreleased) count of trips from `origin` to `destination` departing in one hour. */
export interface OdCell {
  origin: string;
  destination: string;
  /** Start of the departure hour, epoch ms UTC. */
  hour: number;
  trips: number;
}

/** One row of an OD export: a released flow with its ends' centroids. */
export interface OdExportRow {
  origin: string;
  destination: string;
  /** Start of the departure hour or UTC day, epoch ms; null for the whole period. */
  period: number | null;
  trips: number;
  /** trips / market share (population-scaled). */
  tripsExpanded: number;
  originLat: number;
  originLng: number;
  destinationLat: number;
  destinationLng: number;
}

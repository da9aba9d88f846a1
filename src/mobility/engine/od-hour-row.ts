/** Trips of one (departure hour, origin, destination), on the stays' H3 resolution (table `od_h3_hourly`). */
export interface OdHourRow {
  /** Start of the departure hour, epoch ms (UTC). */
  hour: number;
  origin: string;
  destination: string;
  trips: number;
}

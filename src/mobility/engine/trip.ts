/** A move between two consecutive stays at different places (table `trips`). */
export interface Trip {
  device: string;
  /** Place (H3, stay resolution) of the origin and destination stays. */
  origin: string;
  destination: string;
  /** The first event that left the origin stay, epoch ms. */
  departTs: number;
  /** Start of the destination stay, epoch ms. */
  arriveTs: number;
  /** Silence before the departure event (last event at the origin → departure event), ms. */
  departUncertaintyMs: number;
  /** Great-circle distance between the stay centres, m. */
  distanceM: number;
  originLat: number;
  originLng: number;
  destinationLat: number;
  destinationLng: number;
}

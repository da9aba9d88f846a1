/** The part of a mobility stay (`stays` table, src/mobility/engine/stay.ts) that population analysis reads. */
export interface PlaceStay {
  /** Pseudonymous device id. */
  device: string;
  /** Epoch ms. */
  start: number;
  /** Epoch ms (departure or last event). */
  end: number;
  /** H3 cell of the stay's place (res 8 by default). */
  h3: string;
  lat: number;
  lng: number;
  /**
   * Seen through cell events only (`stays.source = 'cell'`): its place stands for an area (a
   * footprint), not a point. Absent: unknown, treated as a point.
   */
  cellOnly?: boolean;
}

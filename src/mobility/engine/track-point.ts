/** One located event of a device as the trajectory layer sees it. */
export interface TrackPoint {
  /** Event time, epoch ms. */
  ts: number;
  /** H3 cell at the base resolution (hex). */
  h3: string;
  /** Centre of {@link h3}, degrees. */
  lat: number;
  lng: number;
  /** True for a GPS fix, false for a signalling event (located at its serving cell). */
  gps: boolean;
  /** True for a `detach`: the phone goes off; nothing is held after it. */
  detach: boolean;
}

/** One located event of a device as the trajectory layer sees it. */
export interface TrackPoint {
  /** Event time, epoch ms. */
  ts: number;
  /**
   * Where the event is placed, as an H3 cell (hex): the serving sector's centre or the fix's own
   * position (res 11), else (omni cell) the site's cell at the base resolution. Distinct sectors
   * have distinct values (the ping-pong filter counts them).
   */
  h3: string;
  /** Centre of {@link h3}, degrees. */
  lat: number;
  lng: number;
  /** True for a GPS fix, false for a signalling event (located at its serving cell). */
  gps: boolean;
  /** True for a `detach`: the phone goes off; nothing is held after it. */
  detach: boolean;
}

/** Who is where in one zone over a period (device counts, before release). */
export interface ZonePopulation {
  zone: string;
  /** Home in the zone (never roamers). */
  residents: number;
  /** Work in the zone, home elsewhere or unknown. */
  workers: number;
  /** Domestic devices with a stay in the zone, no home or work there, no night there. */
  dayVisitors: number;
  /** Domestic devices with a stay in the zone overlapping a night, no home or work there. */
  overnightVisitors: number;
  /** Inbound roamers (foreign MCC) with a stay in the zone. */
  roamers: number;
  /**
   * People in transit: devices seen in the zone (located events) with no stay there and neither home
   * nor work there; 0 when the database has no transit evidence (`device_cells`).
   */
  transit: number;
  /** dayVisitors + overnightVisitors + roamers. */
  visitors: number;
  /** Served population (实际服务人口): residents + workers + overnight visitors (domestic and roaming). */
  served: number;
}

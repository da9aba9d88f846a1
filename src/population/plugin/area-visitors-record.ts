/** Devices present in a watched area in one window, by origin (table `area_visitors`; partial per partition under `stream`). */
export interface AreaVisitorsRecord {
  windowStart: number;
  windowEnd: number;
  areaId: string;
  origin: string;
  visitors: number;
}

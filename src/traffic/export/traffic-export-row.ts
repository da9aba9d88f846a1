/** One released row of `citypulse export traffic` (and `/api/v1/traffic`). */
export interface TrafficExportRow {
  corridor: string;
  /** Bin start, epoch ms (RFC 3339 UTC in files). */
  binStart: number;
  binMinutes: number;
  /** Released devices crossing (≥ k, differencing-safe). */
  flow: number;
  flowExpanded: number;
  speedKmh: number | null;
  travelTimeS: number | null;
  freeFlowKmh: number | null;
  congestion: number | null;
}

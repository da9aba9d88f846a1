/** A count released under k: `null` when it fell in [1, k). */
export type Released = number | null;

/** The event report of a watched area over a span (the JSON written next to the HTML). */
export interface EventReportData {
  area: { id: string; name: string; capacity: number | null };
  /** The span, epoch ms, `[from, to)`. */
  from: number;
  to: number;
  /** Bin of the arrival/departure curves, ms. */
  binMs: number;
  k: number;
  /** People per device used for the expanded figures (1 ÷ market share, or the area's scale). */
  peoplePerDevice: number;
  /** Unique devices with a stay in the area overlapping the span, and the people they stand for. */
  attendance: { devices: Released; people: Released };
  /** Highest occupancy (devices present in the area's cells in one window) and its window start. */
  peak: { devices: Released; people: Released; at: number | null };
  /** Devices present per window `[windowStart, devices]`. */
  occupancy: [number, Released][];
  /** The same hours of a baseline day, shifted onto the span's clock, or null when there is no data. */
  baseline: { from: number; peakDevices: Released; occupancy: [number, Released][] } | null;
  /** Stays starting (arrivals) and ending (departures) in the area per bin `[binStart, devices]`. */
  arrivals: [number, Released][];
  departures: [number, Released][];
  /** Devices by time spent in the area during the span. */
  dwell: { label: string; devices: Released }[];
  /** Attendees by origin (home zone, roamer country, `unknown`); small origins pooled into `other`. */
  origins: { origin: string; devices: number }[];
  /** True when the origin breakdown had to be dropped whole (its pool of small origins was in [1, k)). */
  originsSuppressed: boolean;
}

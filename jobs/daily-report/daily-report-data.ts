import type { HeatmapCell } from '../../src/outputs/export/heatmap-query.ts';

/** A point of a time series: window start (epoch ms) and people present, `null` where below k. */
export type SeriesPoint = readonly [number, number | null];

/** One district (zone) or coarse hexagon of the report. */
export interface AreaSummary {
  id: string;
  name: string;
  /** Mean people present over the windows that reached k; null when none did. */
  meanPresent: number | null;
  peakPresent: number | null;
  peakAt: number | null;
  /** Mean per km² (zones only). */
  perKm2: number | null;
  series: SeriesPoint[];
}

/** Everything the daily report shows; gathered by `collectDailyReport`, drawn by `renderDailyReport`. */
export interface DailyReportData {
  /** The local calendar day, `YYYY-MM-DD`. */
  day: string;
  timeZone: string;
  /** The day as instants: [fromMs, toMs) (23 or 25 hours on DST days). */
  fromMs: number;
  toMs: number;
  k: number;
  generatedAt: number;
  /** People present in the whole covered area per window (sum of k-anonymous hexagons). */
  city: SeriesPoint[];
  /** Hexagons of the city's peak window, for the map. */
  peakMap: { atMs: number; res: number; cells: HeatmapCell[] } | null;
  areas: {
    /** `zones`: a loaded zone system; `h3`: coarse H3 parents (no zone system loaded). */
    kind: 'zones' | 'h3';
    /** Zone system name, or `H3 resolution N`. */
    label: string;
    rows: AreaSummary[];
    /** District outlines for the map (zones only): GeoJSON polygon coordinates (rings of [lon, lat]). */
    outlines: number[][][][];
  };
  quality: {
    deadLetters: { hours: number[]; reasons: { name: string; values: number[] }[]; total: number; withoutTime: number };
    lateEvents: { hour: number; source: string; late: number; medianS: number | null; maxS: number | null }[];
    silentCells: { h3: string; referenceEvents: number; lastSeen: number | null; antennas: string[] }[];
  };
}

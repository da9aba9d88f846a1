import { join } from 'node:path';

const HOUR = 3_600_000;

/**
 * Where jobs put their files under the configured `outDir`, and how old a file is by its name
 * (retention deletes by these rules, without opening the files).
 */
export const outputLayout = {
  /** `<outDir>/heatmaps`. */
  heatmapDir: (outDir: string) => join(outDir, 'heatmaps'),
  /** `heatmap_20260302T0800Z_r8`: the file stem of one window's heatmap at resolution `res`. */
  heatmapStem(windowStart: number, res: number): string {
    return `heatmap_${new Date(windowStart).toISOString().slice(0, 16).replace(/[-:]/g, '')}Z_r${res}`;
  },
  /** `<outDir>/reports`. */
  reportDir: (outDir: string) => join(outDir, 'reports'),
  /** `daily_2026-03-02.html`. */
  reportFile: (day: string) => `daily_${day}.html`,
  /**
   * An instant by which the data in the file named `name` has certainly ended, or null for a name
   * this layout does not produce: a window's start plus an hour (windows are shorter), a local day's
   * next UTC midnight plus 14 hours (the furthest time zone).
   */
  dataEnd(name: string): number | null {
    const h = /^heatmap_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_r\d+\.(geojson|csv)$/.exec(name);
    if (h) return Date.UTC(+h[1]!, +h[2]! - 1, +h[3]!, +h[4]!, +h[5]!) + HOUR;
    const r = /^daily_(\d{4})-(\d{2})-(\d{2})\.html$/.exec(name);
    if (r) return Date.UTC(+r[1]!, +r[2]! - 1, +r[3]! + 1) + 14 * HOUR;
    return null;
  },
} as const;

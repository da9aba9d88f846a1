import { join } from 'node:path';

/** The file an hour partition is compacted into. */
export const COMPACTED_FILE = 'compacted.parquet';

/** Suffix of files being written; renamed into place when complete, so readers never see half a file. */
export const TMP_SUFFIX = '.tmp';

const HOUR_MS = 3_600_000;

/**
 * Where the lake keeps presence rows: hive-style partitions by UTC date and hour of the window start,
 * one file per window (`part-<windowStart>-<n>.parquet`, n = 0, 1, … when a window is split) until an
 * hour is compacted into `compacted.parquet`.
 */
export const lakeLayout = {
  /** `<dir>/presence`. */
  presenceDir(dir: string): string {
    return join(dir, 'presence');
  },
  /** `<dir>/presence/date=2026-03-02/hour=08` for a window starting in that UTC hour. */
  partitionDir(dir: string, windowStart: number): string {
    const iso = new Date(windowStart).toISOString();
    return join(dir, 'presence', `date=${iso.slice(0, 10)}`, `hour=${iso.slice(11, 13)}`);
  },
  /** Epoch ms of the start of the hour of a partition folder, or null for a name that is not one. */
  partitionHour(date: string, hour: string): number | null {
    const d = /^date=(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    const h = /^hour=(\d{2})$/.exec(hour);
    if (!d || !h) return null;
    return Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(h[1]));
  },
  /** `part-20260302T081500Z-0.parquet`: deterministic from the window, so a replay overwrites it. */
  partFile(windowStart: number, n: number): string {
    return `${lakeLayout.windowPrefix(windowStart)}${n}.parquet`;
  },
  /** `part-20260302T081500Z-`: the prefix of every part of one window. */
  windowPrefix(windowStart: number): string {
    const iso = new Date(windowStart).toISOString();
    const ms = iso.slice(20, 23);
    const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}${ms === '000' ? '' : ms}Z`;
    return `part-${stamp}-`;
  },
  /** Whether a file name is a window part (not compacted, not temporary). */
  isPart(name: string): boolean {
    return name.startsWith('part-') && name.endsWith('.parquet');
  },
  HOUR_MS,
} as const;

import type { BadLine, TruePosition, TrueTrip } from './truth-sink.ts';

const iso = (t: number) => new Date(t).toISOString();
let lastWindow = NaN, lastWindowIso = '';
/** Window starts repeat for every device: format each once. */
const windowIso = (t: number) => (t === lastWindow ? lastWindowIso : ((lastWindow = t), (lastWindowIso = iso(t))));

/**
 * CSV layouts of the truth files: a header line and a row formatter per file. Times are RFC 3339 UTC
 * with milliseconds. A device absent from a window in `positions.csv` had its phone off for most of it.
 */
export const TRUTH_CSV = {
  positions: {
    header: 'window_start,imsi,h3\n',
    row: (p: TruePosition) => `${windowIso(p.windowStart)},${p.imsi},${p.h3}\n`,
  },
  trips: {
    header: 'imsi,depart_ts,arrive_ts,from_zone,to_zone,mode\n',
    row: (t: TrueTrip) => `${t.imsi},${iso(t.departTs)},${iso(t.arriveTs)},${csvField(t.fromZone)},${csvField(t.toZone)},${t.mode}\n`,
  },
  badLines: {
    header: 'line,reason\n',
    row: (b: BadLine) => `${b.line},${b.reason}\n`,
  },
} as const;

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

import { ksafeBreakdown } from '../engine/ksafe-breakdown.ts';
import type { EventReportData, Released } from './event-report-data.ts';

/** A stay inside the watched area (its centre in one of the area's cells). */
export interface AreaStay {
  device: string;
  start: number;
  end: number;
}

/** The plain inputs of {@link buildEventReport}. */
export interface EventReportInput {
  area: EventReportData['area'];
  from: number;
  to: number;
  /** Bin of the arrival/departure curves, ms. [15 min] */
  binMs?: number;
  k: number;
  peoplePerDevice: number;
  /** Devices present per window in the area, windows inside the span. */
  occupancy: readonly (readonly [number, number])[];
  /** Occupancy of the baseline span (same length), or null. */
  baseline: { from: number; occupancy: readonly (readonly [number, number])[] } | null;
  /** Stays in the area overlapping the span. */
  stays: readonly AreaStay[];
  /** Origin label per attending device. Devices missing here count as `unknown`. */
  origin: ReadonlyMap<string, string>;
}

const MIN = 60_000;
/** Dwell classes (upper bounds, ms). */
const DWELL: readonly [string, number][] = [
  ['< 30 min', 30 * MIN], ['30–60 min', 60 * MIN], ['1–2 h', 120 * MIN], ['2–3 h', 180 * MIN], ['3–4 h', 240 * MIN], ['≥ 4 h', Infinity],
];

/**
 * The event report from plain data (docs/population.md): attendance = unique devices with a stay in
 * the area overlapping the span; peak occupancy from the presence windows; arrivals/departures = stay
 * starts/ends per bin inside the span; dwell = each device's time in the area inside the span;
 * origins of the attendees. Every released count is 0 or ≥ k (else `null`); the origin breakdown is
 * k-safe (small origins pooled into `other`, dropped whole when the pool is in [1, k)).
 */
export function buildEventReport(input: EventReportInput): EventReportData {
  const { from, to, k } = input;
  if (!(to > from)) throw new RangeError(`the span must end after it starts: ${new Date(from).toISOString()} – ${new Date(to).toISOString()}`);
  const binMs = input.binMs ?? 15 * MIN;
  const rel = (n: number): Released => (n > 0 && n < k ? null : n);
  const ppl = (n: Released): Released => (n === null ? null : Math.round(n * input.peoplePerDevice));
  const dwellBy = new Map<string, number>();
  const nBins = Math.ceil((to - from) / binMs);
  const arr = new Array<number>(nBins).fill(0), dep = new Array<number>(nBins).fill(0);
  for (const s of input.stays) {
    const a = Math.max(s.start, from), b = Math.min(s.end, to);
    if (b <= a) continue;
    dwellBy.set(s.device, (dwellBy.get(s.device) ?? 0) + Math.max(0, b - a));
    if (s.start >= from && s.start < to) arr[Math.floor((s.start - from) / binMs)]!++;
    if (s.end >= from && s.end < to) dep[Math.floor((s.end - from) / binMs)]!++;
  }
  const attendees = dwellBy.size;
  let peak: [number, number] | null = null;
  for (const [t, v] of input.occupancy) if (t >= from && t < to && (!peak || v > peak[1])) peak = [t, v];
  const dwell = DWELL.map(([label], i) => {
    const lo = i === 0 ? 0 : DWELL[i - 1]![1], hi = DWELL[i]![1];
    return { label, devices: rel([...dwellBy.values()].filter((d) => d >= lo && d < hi).length) };
  });
  const counts: Record<string, number> = {};
  for (const d of dwellBy.keys()) {
    const o = input.origin.get(d) ?? 'unknown';
    counts[o] = (counts[o] ?? 0) + 1;
  }
  const o = ksafeBreakdown([{ zone: input.area.id, counts }], k, { label: 'other' });
  const origins = (o.released[0] ? Object.entries(o.released[0].counts) : []).map(([origin, devices]) => ({ origin, devices }))
    .sort((a, b) => b.devices - a.devices || (a.origin < b.origin ? -1 : 1));
  const base = input.baseline;
  const basePeak = base ? Math.max(0, ...base.occupancy.map((p) => p[1])) : 0;
  const peakDevices = peak ? rel(peak[1]) : null;
  return {
    area: input.area, from, to, binMs, k, peoplePerDevice: input.peoplePerDevice,
    attendance: { devices: rel(attendees), people: ppl(rel(attendees)) },
    peak: { devices: peakDevices, people: ppl(peakDevices), at: peak && peakDevices !== null ? peak[0] : null },
    occupancy: input.occupancy.filter(([t]) => t >= from && t < to).map(([t, v]) => [t, rel(v)]),
    baseline: base && base.occupancy.length > 0
      ? { from: base.from, peakDevices: rel(basePeak), occupancy: base.occupancy.map(([t, v]) => [t - base.from + from, rel(v)]) }
      : null,
    arrivals: arr.map((v, i) => [from + i * binMs, rel(v)]),
    departures: dep.map((v, i) => [from + i * binMs, rel(v)]),
    dwell,
    origins,
    originsSuppressed: attendees > 0 && o.released.length === 0,
  };
}

/** Five minutes, the default slot of a {@link SlotSeries}. */
export const FIVE_MINUTES = 300_000;

/**
 * A regular time series: one value per slot of `stepMs`, slot i starting at `start + i * stepMs`
 * (epoch ms), `null` where nothing is known (a gap, or a count withheld below k). The forecasters'
 * only input: a watched area's occupancy, a corridor's flow or speed — anything on a regular grid.
 */
export interface SlotSeries {
  /** What the series measures, e.g. an area or corridor id (carried into reports). */
  id: string;
  /** Epoch ms of slot 0; a multiple of `stepMs` keeps slots aligned with the clock. */
  start: number;
  /** Slot length, ms; must divide a day. [5 min] */
  stepMs: number;
  values: readonly (number | null)[];
}

/** One timestamped value, as read from a table (`ts` = slot start, epoch ms). */
export interface SlotPoint {
  ts: number;
  value: number | null;
}

/**
 * Lays timestamped points on a regular grid: slots with no point become `null` (gaps allowed), a
 * point off the grid or a duplicate slot is an error. `from`/`to` (epoch ms, `to` exclusive) widen or
 * cut the grid; by default it spans the first to the last point.
 *
 * @example toSlotSeries('stadium', [{ ts: 0, value: 3 }, { ts: 600_000, value: 5 }]).values // [3, null, 5]
 */
export function toSlotSeries(id: string, points: readonly SlotPoint[], options: { stepMs?: number; from?: number; to?: number } = {}): SlotSeries {
  const stepMs = options.stepMs ?? FIVE_MINUTES;
  if (!(Number.isInteger(stepMs) && stepMs > 0 && 86_400_000 % stepMs === 0)) throw new RangeError(`stepMs must be a whole number of ms dividing a day, got ${stepMs}`);
  let lo = options.from ?? Infinity, hi = options.to ?? -Infinity;
  if (options.from === undefined) for (const p of points) lo = Math.min(lo, p.ts);
  if (options.to === undefined) for (const p of points) hi = Math.max(hi, p.ts + stepMs);
  if (!(hi > lo)) return { id, start: Number.isFinite(lo) ? lo : 0, stepMs, values: [] };
  if (lo % stepMs !== 0) throw new RangeError(`series ${id}: the first slot ${new Date(lo).toISOString()} is not on the ${stepMs / 60_000}-minute grid`);
  const n = Math.ceil((hi - lo) / stepMs);
  const values: (number | null)[] = new Array(n).fill(null);
  const seen = new Uint8Array(n);
  for (const p of points) {
    if (p.ts < lo || p.ts >= hi) continue;
    const i = (p.ts - lo) / stepMs;
    if (!Number.isInteger(i)) throw new RangeError(`series ${id}: ${new Date(p.ts).toISOString()} is not on the ${stepMs / 60_000}-minute grid`);
    if (seen[i]) throw new RangeError(`series ${id}: two values for slot ${new Date(p.ts).toISOString()}`);
    seen[i] = 1;
    values[i] = p.value === null || !Number.isFinite(p.value) ? null : p.value;
  }
  return { id, start: lo, stepMs, values };
}

/** Slots per day and per week of a series. */
export function slotsPer(series: Pick<SlotSeries, 'stepMs'>): { day: number; week: number } {
  const day = 86_400_000 / series.stepMs;
  return { day, week: 7 * day };
}

import { FORECASTER_NAMES, type ForecasterName } from './forecaster.ts';
import type { ForecastRow } from './forecast-series.ts';
import type { SlotSeries } from './slot-series.ts';

/** The model reported as `forecast`, and its stand-in while it has too little history. */
export const PRIMARY_FORECASTER: ForecasterName = 'ridge';
const FALLBACK: ForecasterName = 'scaled_historical_average';

/** A forecast as it leaves citypulse (CLI, API): values below k withheld. */
export interface AreaForecast {
  area: string;
  k: number;
  stepMs: number;
  /** End of the origin slot = the time the forecast is made for, epoch ms. */
  madeAt: number;
  /** The last released value at the origin (null when withheld). */
  lastObserved: number | null;
  rows: {
    slotStart: number;
    horizonMin: number;
    /** The model's value (ridge; scaled HA while ridge has too little history), null when < k or none. */
    forecast: number | null;
    model: ForecasterName | null;
    values: Record<ForecasterName, number | null>;
  }[];
}

/**
 * Rounds forecasts to devices and withholds every value below k: the input series holds released
 * counts only (each ≥ k), and a forecast below k is not published either, so no output hints at a
 * group of 1 … k−1 devices.
 */
export function releasedForecast(series: SlotSeries, made: { origin: number; rows: ForecastRow[] }, k: number): AreaForecast {
  const safe = (v: number | null | undefined): number | null => (v === null || v === undefined || !(v >= k) ? null : Math.round(v));
  return {
    area: series.id,
    k,
    stepMs: series.stepMs,
    madeAt: series.start + (made.origin + 1) * series.stepMs,
    lastObserved: safe(series.values[made.origin]),
    rows: made.rows.map((r) => {
      const values = Object.fromEntries(FORECASTER_NAMES.map((n) => [n, safe(r.values[n])])) as Record<ForecasterName, number | null>;
      const raw = r.values[PRIMARY_FORECASTER] ?? null;
      const model = raw !== null ? PRIMARY_FORECASTER : (r.values[FALLBACK] ?? null) !== null ? FALLBACK : null;
      return { slotStart: r.slotStart, horizonMin: r.horizonMin, forecast: model ? safe(r.values[model]) : null, model, values };
    }),
  };
}

/** CSV of an {@link AreaForecast}: one row per slot ahead; withheld values are empty. `idField` names the id column (`corridor` for corridors). */
export function areaForecastCsv(f: AreaForecast, idField = 'area'): string {
  const head = [idField, 'made_at', 'slot_start', 'horizon_min', 'forecast', 'model', ...FORECASTER_NAMES].join(',');
  const cell = (v: number | null) => (v === null ? '' : String(v));
  const lines = f.rows.map((r) => [
    csvText(f.area), new Date(f.madeAt).toISOString(), new Date(r.slotStart).toISOString(), r.horizonMin, cell(r.forecast), r.model ?? '',
    ...FORECASTER_NAMES.map((n) => cell(r.values[n])),
  ].join(','));
  return [head, ...lines].join('\n') + '\n';
}

/** JSON shape of an {@link AreaForecast} (RFC 3339 times, snake_case keys); `extra` (e.g. `{ metric }`) follows the id. */
export function areaForecastJson(f: AreaForecast, idField = 'area', extra: Record<string, unknown> = {}): unknown {
  return {
    [idField]: f.area,
    ...extra,
    k: f.k,
    step_minutes: f.stepMs / 60_000,
    made_at: new Date(f.madeAt).toISOString(),
    last_observed: f.lastObserved,
    rows: f.rows.map((r) => ({ slot_start: new Date(r.slotStart).toISOString(), horizon_min: r.horizonMin, forecast: r.forecast, model: r.model, ...r.values })),
  };
}

function csvText(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

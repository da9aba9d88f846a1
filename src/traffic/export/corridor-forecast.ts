import type { DuckDBConnection } from '@duckdb/node-api';
import { CitypulseError } from '../../core/citypulse-error.ts';
import { checkK } from '../../outputs/export/k-anonymity.ts';
import type { Corridor } from '../engine/corridor.ts';
import type { CorridorBin } from '../engine/corridor-bin.ts';
import { defaultForecasters } from '../forecast/default-forecasters.ts';
import { forecastSeries } from '../forecast/forecast-series.ts';
import { releasedForecast, type AreaForecast } from '../forecast/released-forecast.ts';
import { toSlotSeries, type SlotSeries } from '../forecast/slot-series.ts';
import { buildTraffic } from './build-traffic.ts';
import { releaseTrafficFlows } from './release-traffic.ts';

/** What a corridor forecast forecasts: released flow (devices crossing per 5 min) or median speed (km/h). */
export const CORRIDOR_METRICS = ['flow', 'speed'] as const;
export type CorridorMetric = (typeof CORRIDOR_METRICS)[number];

/** History a forecast reads: the 8 weeks of the historical average. */
const HISTORY_MS = 8 * 7 * 86_400_000;
const STEP_MS = 300_000;

/**
 * A corridor's 5-minute series from its bins: `flow` = the released flows (differencing-safe release
 * per corridor, each ≥ k; a withheld or empty bin is a gap); `speed` = the median speed of the bins
 * whose flow is released and that have a speed (≥ 5 devices, `minDevices`), else a gap.
 */
export function corridorSeries(id: string, bins5: readonly CorridorBin[], metric: CorridorMetric, k: number, grid: { from?: number; to?: number } = {}): SlotSeries {
  const released = releaseTrafficFlows(bins5.filter((b) => b.corridor === id), STEP_MS, k).get(id) ?? new Map<number, number>();
  const points = metric === 'flow'
    ? [...released].map(([ts, value]) => ({ ts, value }))
    : bins5.filter((b) => b.corridor === id && b.speedKmh !== null && released.has(b.binStart)).map((b) => ({ ts: b.binStart, value: b.speedKmh }));
  const from = grid.from === undefined ? undefined : Math.ceil(grid.from / STEP_MS) * STEP_MS;
  return toSlotSeries(id, points, { stepMs: STEP_MS, from, to: grid.to });
}

/** Options of {@link buildCorridorForecast}. */
export interface CorridorForecastOptions {
  corridor: string;
  metric: CorridorMetric;
  k: number;
  /** Forecast as of this time (epoch ms); default after the last bin with a value. */
  at?: number;
  /** Declared corridors; learned from the hops when absent. */
  corridors?: Corridor[];
}

/**
 * The one-hour forecast (12 × 5 min) of a corridor's flow or speed, from the 8 weeks of released bins
 * before `at`, through {@link forecastSeries} (ridge model and the three baselines). Flow forecasts
 * below k are withheld; speeds are not counts and are released as they are (rounded to km/h), but only
 * learned from bins whose flow was released.
 * @throws CitypulseError (usage, parameter `corridor`) for an unknown corridor or one with no value.
 */
export async function buildCorridorForecast(conn: DuckDBConnection, opts: CorridorForecastOptions): Promise<AreaForecast> {
  const k = checkK(opts.k);
  const from = opts.at === undefined ? undefined : opts.at - HISTORY_MS;
  const res = await buildTraffic(conn, { corridors: opts.corridors, from, to: opts.at, config: { binMs: STEP_MS } });
  if (!res.corridors.some((c) => c.id === opts.corridor)) {
    const some = res.corridors.slice(0, 5).map((c) => c.id).join(', ');
    throw new CitypulseError(`no corridor "${opts.corridor}" (${res.corridors.length} corridors${some ? `, e.g. ${some}` : ''}; list them with citypulse export traffic)`, { kind: 'usage', parameter: 'corridor' });
  }
  const series = corridorSeries(opts.corridor, res.bins5, opts.metric, k, { from, to: opts.at });
  let origin: number | undefined;
  if (opts.at !== undefined) {
    origin = Math.min(Math.floor((opts.at - series.start) / STEP_MS) - 1, series.values.length - 1);
    if (origin < 0) throw new CitypulseError(`--at ${new Date(opts.at).toISOString()} is before the corridor's first bin`, { kind: 'usage', parameter: 'at' });
  }
  if (!series.values.some((v) => v !== null)) {
    throw new CitypulseError(`corridor ${opts.corridor}: no 5-minute bin has a released ${opts.metric} (flows below k = ${k}${opts.metric === 'speed' ? ', or speeds from fewer than 5 devices' : ''})`, { kind: 'usage', parameter: 'corridor' });
  }
  const made = forecastSeries(series, defaultForecasters({ horizons: 12 }), { origin, horizons: 12 });
  // a flow below k is withheld; a speed is no count (k = 0 keeps every value)
  return { ...releasedForecast(series, made, opts.metric === 'flow' ? k : 0), k };
}

import { CROWD_ALERT_KINDS, type CrowdAlertKind } from '../../../schemas/alert.ts';
import type { WatchedArea } from './watched-area.ts';
import { DEFAULT_LEVELS, mergeThresholds, scaleThresholds, type LevelThresholds } from './level-thresholds.ts';
import { ALERT_ENGINE_DEFAULTS, type AlertEngineConfig, type AnomalyConfig, type ForecastConfig, type HysteresisConfig } from './alert-engine-config.ts';

/** An area with its effective scale factor and thresholds. */
export interface ResolvedArea {
  area: WatchedArea;
  /** People per device. */
  scale: number;
  /** Capacity levels in people. */
  capacity: LevelThresholds;
  /** Density levels in people/km², or null (no density alerts). */
  density: LevelThresholds | null;
}

/** {@link AlertEngineConfig} with every default filled in and every value checked. */
export interface ResolvedEngineConfig {
  areas: ResolvedArea[];
  /** Enabled kinds, in CROWD_ALERT_KINDS order. */
  kinds: readonly CrowdAlertKind[];
  hysteresis: HysteresisConfig;
  forecast: ForecastConfig;
  anomaly: AnomalyConfig;
}

/** Fills defaults and checks the config; throws a RangeError naming the field (and area). */
export function resolveEngineConfig(c: AlertEngineConfig): ResolvedEngineConfig {
  const D = ALERT_ENGINE_DEFAULTS;
  for (const k of c.kinds ?? []) if (!CROWD_ALERT_KINDS.includes(k)) throw new RangeError(`kinds: unknown kind "${k}" (use ${CROWD_ALERT_KINDS.join(', ')})`);
  // Always in CROWD_ALERT_KINDS order: capacity comes before forecast, which reads its level.
  const kinds = CROWD_ALERT_KINDS.filter((k) => (c.kinds ?? CROWD_ALERT_KINDS).includes(k));
  const ppd = c.peoplePerDevice ?? D.peoplePerDevice;
  positive(ppd, 'peoplePerDevice');
  const levels = mergeThresholds(DEFAULT_LEVELS, c.levels, 'levels');
  const densityLimit = c.densityLimit ?? D.densityLimit;
  if (densityLimit !== null) positive(densityLimit, 'densityLimit');
  const hysteresis = { ...D.hysteresis, ...c.hysteresis };
  if (!(hysteresis.margin >= 0 && hysteresis.margin < 1)) throw new RangeError(`hysteresis.margin must be in [0, 1), got ${hysteresis.margin}`);
  posInt(hysteresis.windows, 'hysteresis.windows');
  const forecast = { ...D.forecast, ...c.forecast };
  positive(forecast.horizonMs, 'forecast.horizonMs');
  posInt(forecast.minWindows, 'forecast.minWindows');
  if (forecast.minWindows < 2) throw new RangeError('forecast.minWindows must be ≥ 2 (a line needs two points)');
  if (!Number.isInteger(forecast.windows) || forecast.windows < forecast.minWindows) throw new RangeError(`forecast.windows must be an integer ≥ forecast.minWindows (${forecast.minWindows})`);
  const anomaly = { ...D.anomaly, ...c.anomaly, levels: mergeThresholds(D.anomaly.levels, c.anomaly?.levels, 'anomaly.levels') };
  posInt(anomaly.weeks, 'anomaly.weeks');
  posInt(anomaly.minWeeks, 'anomaly.minWeeks');
  if (anomaly.minWeeks > anomaly.weeks) throw new RangeError('anomaly.minWeeks must be ≤ anomaly.weeks');
  positive(anomaly.minRatio, 'anomaly.minRatio');
  if (!(anomaly.minPeople >= 0)) throw new RangeError('anomaly.minPeople must be ≥ 0');

  const ids = new Set<string>();
  const areas = c.areas.map((area): ResolvedArea => {
    if (ids.has(area.id)) throw new RangeError(`areas: duplicate id "${area.id}"`);
    ids.add(area.id);
    if (area.cells.length === 0) throw new RangeError(`area "${area.id}": no cells`);
    const lv = mergeThresholds(levels, area.levels, `area "${area.id}" levels`);
    const dl = area.densityLimit ?? densityLimit;
    return {
      area,
      scale: area.scale ?? ppd,
      capacity: scaleThresholds(lv, area.capacity),
      density: dl === null ? null : scaleThresholds(lv, dl),
    };
  });
  return { areas, kinds, hysteresis, forecast, anomaly };
}

function positive(v: number, what: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RangeError(`${what} must be a number > 0, got ${v}`);
}

function posInt(v: number, what: string): void {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${what} must be an integer ≥ 1, got ${v}`);
}

import type { CrowdAlertKind } from '../../../schemas/alert.ts';
import type { AlertEngineConfig } from './alert-engine-config.ts';
import type { AlertEvent } from './alert-event.ts';
import { alertId } from './alert-id.ts';
import { alertMessage } from './alert-message.ts';
import { AreaHistory, type AreaHistorySnapshot } from './area-history.ts';
import type { AreaWindow } from './area-window.ts';
import { stepIncident, type IncidentState } from './incident.ts';
import { KIND_RULES, zScore } from './kind-rules.ts';
import { linearForecast } from './linear-forecast.ts';
import { resolveEngineConfig, type ResolvedArea, type ResolvedEngineConfig } from './resolve-engine-config.ts';
import { WEEK_MS, slotBaseline } from './slot-baseline.ts';

/** Plain-data state of an {@link AlertEngine}: store it with the offsets, restore it after a crash. */
export interface AlertEngineSnapshot {
  version: 1;
  /** Start of the last window processed, or null. */
  lastWindowStart: number | null;
  windowMs: number | null;
  /** Open incidents: `[areaId, kind, state]`. */
  incidents: [string, CrowdAlertKind, IncidentState][];
  /** Counts per area and window: all of them, or only the trend's when `baseline` is false. */
  history: AreaHistorySnapshot;
  /** False when the weekly baseline history was left out (to be seeded again from the presence table). */
  baseline: boolean;
}

/** Devices present per area id in one window (areas missing count 0). */
export type PresentByArea = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

/**
 * Crowd-density alert rules over plain data: feed it, window after window, the devices present in
 * each watched area; it returns the lifecycle events (open, escalated, de-escalated, resolved) of
 * one incident per area and kind. No clock, no I/O: the same windows give the same events, and
 * {@link snapshot}/{@link restore} resume exactly where it was.
 *
 * @example
 * const engine = new AlertEngine({ areas });
 * for (const w of windows) events.push(...engine.onWindow(w.start, w.end, w.devicesByArea));
 */
export class AlertEngine {
  readonly config: ResolvedEngineConfig;
  #history = new AreaHistory();
  #incidents = new Map<string, IncidentState>();
  #last: number | null = null;
  #windowMs: number | null = null;

  constructor(config: AlertEngineConfig) {
    this.config = resolveEngineConfig(config);
  }

  /** Start of the last window processed, or null. */
  get lastWindowStart(): number | null {
    return this.#last;
  }

  /** Open incidents, for dashboards and tests. */
  get openIncidents(): { areaId: string; kind: CrowdAlertKind; incident: IncidentState }[] {
    return [...this.#incidents].map(([k, incident]) => {
      const [areaId, kind] = JSON.parse(k) as [string, CrowdAlertKind];
      return { areaId, kind, incident: { ...incident } };
    });
  }

  /**
   * Adds a past count (the weekly baseline's history, read from the presence table at start-up or
   * after restoring a snapshot taken without it). Never overwrites a count the engine holds, and
   * ignores windows after the last one processed.
   */
  seed(areaId: string, windowStart: number, devices: number): void {
    if (this.#last !== null && windowStart > this.#last) return;
    this.#history.set(areaId, windowStart, devices, false);
  }

  /**
   * Processes one closed window and returns its events, in area (config) then kind order.
   * Windows must come in increasing order; a window at or before the last one processed is ignored
   * (returns []), so a replay of windows already seen is harmless.
   */
  onWindow(windowStart: number, windowEnd: number, presentByArea: PresentByArea): AlertEvent[] {
    if (!Number.isSafeInteger(windowStart) || !Number.isSafeInteger(windowEnd) || windowEnd <= windowStart) {
      throw new RangeError(`onWindow: bad window [${windowStart}, ${windowEnd})`);
    }
    if (this.#last !== null && windowStart <= this.#last) return [];
    this.#windowMs ??= windowEnd - windowStart;
    const get = presentByArea instanceof Map ? (id: string) => presentByArea.get(id) : (id: string) => (presentByArea as Record<string, number>)[id];
    const c = this.config;
    for (const ra of c.areas) {
      const d = get(ra.area.id) ?? 0;
      if (!Number.isFinite(d) || d < 0) throw new RangeError(`onWindow: area "${ra.area.id}" has ${d} devices`);
      this.#history.set(ra.area.id, windowStart, d);
    }
    const events: AlertEvent[] = [];
    for (const ra of c.areas) {
      const w = this.#areaWindow(ra, windowStart, windowEnd);
      for (const kind of c.kinds) {
        const m = KIND_RULES[kind](w, c);
        if (m === null) continue;
        const key = JSON.stringify([ra.area.id, kind]);
        const { next, transition } = stepIncident(this.#incidents.get(key), m, c.hysteresis, () => ({
          alertId: alertId(ra.area.id, kind, windowStart),
          openedWindowStart: windowStart,
        }));
        if (next) this.#incidents.set(key, next);
        else this.#incidents.delete(key);
        if (kind === 'capacity') w.capacityLevel = next?.level ?? null;
        if (!transition) continue;
        const inc = transition.incident;
        const z = w.baseline && w.baseline.weeks >= c.anomaly.minWeeks ? zScore(w.devices, w.baseline.mean, w.baseline.std) : null;
        const e: Omit<AlertEvent, 'message'> = {
          alertId: inc.alertId,
          seq: inc.seq,
          areaId: ra.area.id,
          areaName: ra.area.name,
          kind,
          level: transition.level,
          previousLevel: transition.previousLevel,
          peakLevel: inc.peakLevel,
          state: transition.state,
          windowStart,
          windowEnd,
          openedWindowStart: inc.openedWindowStart,
          devices: w.devices,
          people: Math.round(w.people),
          capacity: ra.area.capacity,
          occupancy: round(w.people / ra.area.capacity, 4),
          areaKm2: round(ra.area.areaKm2, 6),
          densityPerKm2: round(w.density, 1),
          value: m.value === null ? null : round(m.value, 3),
          threshold: round(m.thresholds[transition.level], 3),
          forecastPeople: w.forecast ? Math.max(0, Math.round(w.forecast.people)) : null,
          forecastAt: w.forecast ? w.forecast.at : null,
          baselinePeople: z === null ? null : round(w.baseline!.mean * ra.scale, 1),
          zScore: z === null ? null : round(z, 3),
        };
        events.push({ ...e, message: alertMessage(e) });
      }
    }
    this.#last = windowStart;
    this.#history.prune(windowStart - this.#retentionMs());
    return events;
  }

  #areaWindow(ra: ResolvedArea, windowStart: number, windowEnd: number): AreaWindow {
    const c = this.config;
    const id = ra.area.id;
    const devices = this.#history.get(id, windowStart)!;
    const people = devices * ra.scale;
    const step = this.#windowMs!;
    const points: [number, number][] = [];
    for (let i = c.forecast.windows - 1; i >= 0; i--) {
      const ws = windowStart - i * step;
      const v = this.#history.get(id, ws);
      if (v !== undefined) points.push([ws, v * ra.scale]);
    }
    const at = windowStart + c.forecast.horizonMs;
    const fit = points.length >= c.forecast.minWindows ? linearForecast(points, at) : null;
    const wants = c.kinds.includes('anomaly');
    const w: AreaWindow = {
      resolved: ra,
      windowStart,
      windowEnd,
      devices,
      people,
      density: people / ra.area.areaKm2,
      forecast: fit ? { people: fit.value, at, slope: fit.slope } : null,
      baseline: wants ? slotBaseline(this.#history, id, windowStart, c.anomaly.weeks) : null,
      capacityLevel: this.#incidents.get(JSON.stringify([id, 'capacity']))?.level ?? null,
    };
    return w;
  }

  #retentionMs(): number {
    const c = this.config;
    const trend = c.forecast.windows * (this.#windowMs ?? 0);
    const weekly = c.kinds.includes('anomaly') ? c.anomaly.weeks * WEEK_MS : 0;
    return Math.max(trend, weekly);
  }

  /**
   * Plain-data state (structured-clone and JSON safe). With `{ baseline: false }` the weekly
   * history (weeks × windows per area) is left out and only the trend's last windows kept: small
   * enough to store at every checkpoint, for callers that {@link seed} the rest again after
   * {@link restore} from the presence table committed with the snapshot.
   */
  snapshot(options: { baseline?: boolean } = {}): AlertEngineSnapshot {
    const baseline = options.baseline ?? true;
    const incidents = [...this.#incidents].map(([k, s]): [string, CrowdAlertKind, IncidentState] => {
      const [areaId, kind] = JSON.parse(k) as [string, CrowdAlertKind];
      return [areaId, kind, { ...s }];
    });
    return {
      version: 1,
      lastWindowStart: this.#last,
      windowMs: this.#windowMs,
      incidents,
      history: (baseline ? this.#history : this.#recentHistory()).snapshot(this.#windowMs ?? 0),
      baseline,
    };
  }

  #recentHistory(): AreaHistory {
    const h = new AreaHistory();
    if (this.#last === null || this.#windowMs === null) return h;
    for (const ra of this.config.areas) {
      for (let i = 0; i < this.config.forecast.windows; i++) {
        const ws = this.#last - i * this.#windowMs;
        const v = this.#history.get(ra.area.id, ws);
        if (v !== undefined) h.set(ra.area.id, ws, v);
      }
    }
    return h;
  }

  /**
   * Restores a {@link snapshot}; incidents of areas or kinds no longer configured are dropped.
   * After a snapshot taken with `{ baseline: false }`, {@link seed} the weekly history again.
   */
  restore(s: AlertEngineSnapshot): void {
    if (s?.version !== 1) throw new RangeError(`AlertEngine.restore: unsupported snapshot version ${String(s?.version)}`);
    const areaIds = new Set(this.config.areas.map((a) => a.area.id));
    this.#last = s.lastWindowStart;
    this.#windowMs = s.windowMs;
    this.#incidents = new Map(
      s.incidents.filter(([a, k]) => areaIds.has(a) && this.config.kinds.includes(k)).map(([a, k, st]) => [JSON.stringify([a, k]), { ...st }]),
    );
    this.#history = AreaHistory.restore(s.history);
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

import type { DuckDBConnection } from '@duckdb/node-api';
import type { AlertLevel } from '../../../schemas/alert.ts';
import { readAreaVisitors } from '../../population/duckdb/read-area-visitors.ts';
import { alertId } from '../engine/alert-id.ts';
import type { WatchedArea } from '../engine/watched-area.ts';
import type { AlertSource, SourceAlert } from '../plugin/alert-source.ts';

/** One visitors-by-origin rule (`--visitor-alert ORIGIN:LEVEL`). */
export interface VisitorAlertRule {
  /** Origin watched: a home zone, an ISO country, `unknown`; `*` = each origin on its own. */
  origin: string;
  /** Visitors from the origin in one watched area and window that open an incident (warning). */
  level: number;
}

/** Configuration of {@link visitorOriginAlertSource}. */
export interface VisitorOriginAlertConfig {
  areas: readonly WatchedArea[];
  /** A rule naming an origin wins over `*` for that origin. */
  rules: readonly VisitorAlertRule[];
  /** Counts are read k-safe ({@link readAreaVisitors}): 0 or ≥ k per origin. [20] */
  k?: number;
  /** An open incident resolves in the first window below `clearRatio × level`. [0.8] */
  clearRatio?: number;
  /** An open incident escalates to critical at `criticalRatio × level`. [2] */
  criticalRatio?: number;
}

interface OpenIncident {
  alertId: string;
  seq: number;
  level: AlertLevel;
  peak: AlertLevel;
  opened: number;
}

/**
 * Visitors from one origin as live alerts (kind `visitors_origin`, `area_id` = the watched area,
 * `origin` set): per window closed, the area's visitors by origin from `area_visitors` (summed over
 * partitions, released k-safe: origins below k pooled into `other`, which raises nothing, and a
 * window withheld whole changes nothing); an incident opens (warning) when an origin reaches the
 * rule's level, escalates to critical at `criticalRatio × level`, resolves below `clearRatio × level`.
 * `alert_id` hashes [area, kind, origin, opening window].
 */
export function visitorOriginAlertSource(config: VisitorOriginAlertConfig): AlertSource {
  const k = config.k ?? 20;
  const clear = config.clearRatio ?? 0.8;
  const crit = config.criticalRatio ?? 2;
  if (config.rules.length === 0) throw new RangeError('visitor alerts: no rule');
  for (const r of config.rules) if (!(Number.isInteger(r.level) && r.level >= 1) || r.origin === '') throw new RangeError(`visitor alert rule ${r.origin}:${r.level}: needs an origin and an integer level ≥ 1`);
  if (!(clear > 0 && clear <= 1)) throw new RangeError(`clearRatio must be in (0, 1], got ${clear}`);
  if (!(crit > 1)) throw new RangeError(`criticalRatio must be > 1, got ${crit}`);
  const ruleOf = (o: string) => config.rules.find((r) => r.origin === o) ?? (o === 'other' ? undefined : config.rules.find((r) => r.origin === '*'));
  let doneUntil: number | null = null;
  let open = new Map<string, OpenIncident>();

  function event(area: WatchedArea, origin: string, w: { windowStart: number; windowEnd: number }, v: number, level: number, inc: OpenIncident, state: SourceAlert['state'], previous: AlertLevel | null): SourceAlert {
    const devices = v >= k ? v : 0;
    const shown = devices > 0 ? `${devices} visitors` : `fewer than ${k} visitors`;
    const at = new Date(w.windowStart).toISOString().slice(0, 16) + 'Z';
    return {
      alert_id: inc.alertId, seq: inc.seq, area_id: area.id, area_name: area.name, kind: 'visitors_origin', origin,
      level: inc.level, previous_level: previous, peak_level: inc.peak, state,
      window_start: new Date(w.windowStart).toISOString(), window_end: new Date(w.windowEnd).toISOString(),
      opened_window_start: new Date(inc.opened).toISOString(),
      devices, people: devices, capacity: area.capacity, occupancy: devices / area.capacity, area_km2: area.areaKm2, density_per_km2: devices / area.areaKm2,
      value: devices > 0 ? devices : null, threshold: state === 'resolved' ? clear * level : inc.level === 'critical' ? crit * level : level,
      forecast_people: null, forecast_at: null, baseline_people: null, z_score: null,
      message: state === 'resolved'
        ? `${area.name}: visitors from ${origin} back below ${clear * level} at ${at} (${shown})`
        : `${area.name}: ${shown} from ${origin} at ${at} (rule ${origin}:${level})`,
    };
  }

  return {
    name: 'visitors_origin',
    async evaluate(conn: DuckDBConnection, span: { from: number; to: number }): Promise<SourceAlert[]> {
      const from = doneUntil ?? span.from;
      if (span.to <= from) return [];
      const out: { at: number; alert: SourceAlert }[] = [];
      for (const area of config.areas) {
        const series = await readAreaVisitors(conn, area.id, from, span.to, k);
        if (!series) return [];
        for (const w of series.windows) {
          const origins = new Set([...Object.keys(w.origins), ...[...open.keys()].filter((key) => key.startsWith(`${area.id}\u0000`)).map((key) => key.split('\u0000')[1]!)]);
          for (const o of [...origins].sort()) {
            const rule = ruleOf(o);
            if (!rule) continue;
            const v = w.origins[o] ?? 0, key = `${area.id}\u0000${o}`, inc = open.get(key);
            if (!inc) {
              if (v < rule.level) continue;
              const level: AlertLevel = v >= crit * rule.level ? 'critical' : 'warning';
              const fresh = { alertId: alertId(area.id, 'visitors_origin', w.windowStart, o), seq: 0, level, peak: level, opened: w.windowStart };
              open.set(key, fresh);
              out.push({ at: w.windowStart, alert: event(area, o, w, v, rule.level, fresh, 'open', null) });
            } else if (v < clear * rule.level) {
              open.delete(key);
              inc.seq++;
              out.push({ at: w.windowStart, alert: event(area, o, w, v, rule.level, inc, 'resolved', inc.level) });
            } else if (inc.level === 'warning' && v >= crit * rule.level) {
              inc.seq++;
              inc.level = inc.peak = 'critical';
              out.push({ at: w.windowStart, alert: event(area, o, w, v, rule.level, inc, 'escalated', 'warning') });
            }
          }
        }
      }
      doneUntil = span.to;
      return out.sort((a, b) => a.at - b.at).map((x) => x.alert);
    },
    snapshot: () => ({ doneUntil, open: [...open].map(([key, i]) => [key, { ...i }]) }),
    restore(state: unknown): void {
      const s = state as { doneUntil: number | null; open: [string, OpenIncident][] };
      doneUntil = s.doneUntil;
      open = new Map(s.open.map(([key, i]) => [key, { ...i }]));
    },
  };
}

import type { DuckDBConnection } from '@duckdb/node-api';
import type { AlertLevel } from '../../../schemas/alert.ts';
import type { Corridor } from '../../traffic/engine/corridor.ts';
import type { CorridorBin } from '../../traffic/engine/corridor-bin.ts';
import { corridorBins, corridorDeviceSpeeds } from '../../traffic/engine/corridor-bins.ts';
import { percentile } from '../../traffic/engine/percentile.ts';
import { SlowdownDetector } from '../../traffic/engine/slowdown-detector.ts';
import { resolveTrafficConfig, type TrafficConfig } from '../../traffic/engine/traffic-config.ts';
import { vehicleHours } from '../../traffic/engine/vehicle-hours.ts';
import { hasTrafficTables, loadHops } from '../../traffic/duckdb/load-hops.ts';
import type { AlertSource, SourceAlert } from '../plugin/alert-source.ts';

/** How far around a slow crossing `vehicleHours` looks for fast ones (its AROUND_MS). */
const VEHICLE_AROUND_MS = 1_800_000;
/** Speeds kept per corridor for free flow (the latest; bounds the checkpointed state). */
const MAX_SPEEDS = 500;

/** Configuration of {@link slowdownAlertSource}. */
export interface SlowdownAlertConfig {
  /** Corridors watched (declared: `--slowdown-alerts FILE`, the format of `export traffic --corridors`). */
  corridors: readonly Corridor[];
  /** Traffic parameters (docs/traffic.md); bins are 5 minutes unless `binMs` says otherwise. */
  traffic?: TrafficConfig;
  /** Device counts below k leave the alert as 0 (withheld). [20] */
  k?: number;
  /** Congestion at which an open slowdown escalates from warning to critical. [0.8] */
  criticalCongestion?: number;
  /**
   * How long after a bin ends (in closed-window time) it is evaluated: every hop entering it has been
   * emitted (`maxHopMs`) and the jam-vs-walker test has its 30 minutes after. [maxHopMs + 30 min = 50 min]
   */
  lagMs?: number;
}

interface OpenIncident {
  alertId: string;
  seq: number;
  level: AlertLevel;
  openedBin: number;
}

/** Plain-data state of the slowdown source. */
interface SlowdownSourceState {
  doneUntil: number | null;
  detector: ReturnType<SlowdownDetector['snapshot']>;
  open: [string, OpenIncident][];
  night: [string, number[]][];
  road: [string, number[]][];
}

/**
 * Traffic slowdowns as live alerts (kind `slowdown`, `area_id` = corridor id): bins of the watched
 * corridors are computed from `traffic_hops` once final (`lagMs` after their end, in closed-window
 * time) and fed in time order to the {@link SlowdownDetector} of docs/traffic.md (opens at congestion
 * ≥ `alertOpen`, resolves below `alertClose`); an open slowdown escalates to critical at
 * `criticalCongestion`. Free flow: the 85th percentile of the night speeds seen so far, else the
 * declared free flow, else of all speeds seen so far — the batch rule over the data seen until then.
 */
export function slowdownAlertSource(config: SlowdownAlertConfig): AlertSource {
  const cfg = resolveTrafficConfig(config.traffic);
  const k = config.k ?? 20;
  const critical = config.criticalCongestion ?? 0.8;
  const lagMs = config.lagMs ?? cfg.maxHopMs + VEHICLE_AROUND_MS;
  if (!(critical > cfg.alertOpen && critical <= 1)) throw new RangeError(`criticalCongestion must be in (alertOpen, 1], got ${critical}`);
  if (!(k >= 1)) throw new RangeError(`k must be ≥ 1, got ${k}`);
  const binsCfg = { ...cfg, minNightSpeeds: Number.POSITIVE_INFINITY };
  let detector = new SlowdownDetector(cfg);
  let doneUntil: number | null = null;
  let open = new Map<string, OpenIncident>();
  let night = new Map<string, number[]>();
  let road = new Map<string, number[]>();

  const keep = (m: Map<string, number[]>, id: string, v: number) => {
    let l = m.get(id);
    if (!l) m.set(id, (l = []));
    l.push(v);
    if (l.length > MAX_SPEEDS) l.splice(0, l.length - MAX_SPEEDS);
  };
  const freeFlow = (c: Corridor): number | null => {
    const n = night.get(c.id) ?? [];
    if (n.length >= cfg.minNightSpeeds) return percentile(n, 0.85);
    if (c.freeFlowKmh !== null) return c.freeFlowKmh;
    const r = road.get(c.id) ?? [];
    return r.length >= cfg.minDevices ? percentile(r, 0.85) : null;
  };

  function toAlerts(bin: CorridorBin): SourceAlert[] {
    const level: AlertLevel = bin.congestion !== null && bin.congestion >= critical ? 'critical' : 'warning';
    const out: SourceAlert[] = [];
    for (const e of detector.push(bin)) {
      if (e.state === 'open') {
        open.set(bin.corridor, { alertId: e.alertId, seq: 0, level, openedBin: bin.binStart });
        out.push(event(bin, open.get(bin.corridor)!, 'open', null));
      } else {
        const inc = open.get(bin.corridor)!;
        open.delete(bin.corridor);
        inc.seq++;
        out.push(event(bin, inc, 'resolved', inc.level));
      }
    }
    const inc = open.get(bin.corridor);
    if (out.length === 0 && inc && inc.level === 'warning' && level === 'critical') {
      inc.seq++;
      inc.level = 'critical';
      out.push(event(bin, inc, 'escalated', 'warning'));
    }
    return out;
  }

  function event(bin: CorridorBin, inc: OpenIncident, state: 'open' | 'escalated' | 'resolved', previous: AlertLevel | null): SourceAlert {
    const devices = bin.speedDevices >= k ? bin.speedDevices : 0;
    const at = new Date(bin.binStart).toISOString().slice(0, 16) + 'Z';
    const speed = `${bin.speedKmh!.toFixed(0)} km/h against ${bin.freeFlowKmh!.toFixed(0)} free flow (congestion ${Math.round(bin.congestion! * 100)} %${devices > 0 ? `, ${devices} devices` : `, fewer than ${k} devices`})`;
    const message = state === 'resolved' ? `slowdown on ${bin.corridor} resolved at ${at}: ${speed}` : `slowdown on ${bin.corridor} at ${at}: ${speed}`;
    return {
      alert_id: inc.alertId, seq: inc.seq, area_id: bin.corridor, area_name: bin.corridor, kind: 'slowdown',
      level: inc.level, previous_level: previous, peak_level: inc.level, state,
      window_start: new Date(bin.binStart).toISOString(), window_end: new Date(bin.binStart + bin.binMs).toISOString(),
      opened_window_start: new Date(inc.openedBin).toISOString(),
      devices, people: devices, capacity: 0, occupancy: 0, area_km2: 0, density_per_km2: 0,
      value: bin.congestion, threshold: state === 'resolved' ? cfg.alertClose : inc.level === 'critical' ? critical : cfg.alertOpen,
      forecast_people: null, forecast_at: null, baseline_people: null, z_score: null, message,
    };
  }

  return {
    name: 'slowdown',
    async evaluate(conn: DuckDBConnection, span: { from: number; to: number }): Promise<SourceAlert[]> {
      const from = doneUntil ?? Math.floor(span.from / cfg.binMs) * cfg.binMs;
      const until = Math.floor((span.to - lagMs) / cfg.binMs) * cfg.binMs;
      if (until <= from || !(await hasTrafficTables(conn))) return [];
      const hops = await loadHops(conn, { from: from - cfg.maxHopMs - VEHICLE_AROUND_MS, to: until + VEHICLE_AROUND_MS });
      const vehicle = vehicleHours(hops, 2 * cfg.walkMaxKmh);
      const isRoad = (s: { device: string; firstTs: number; speedKmh: number }) => s.speedKmh <= cfg.maxKmh && (s.speedKmh >= cfg.walkMaxKmh || vehicle(s.device, s.firstTs));
      const bins: CorridorBin[] = [];
      for (const c of config.corridors) {
        for (const s of corridorDeviceSpeeds(c, hops, cfg.binMs)) {
          if (s.binStart < from || s.binStart >= until || !isRoad(s)) continue;
          keep(road, c.id, s.speedKmh);
          const h = new Date(s.binStart).getUTCHours();
          if (h >= cfg.nightHours[0] && h < cfg.nightHours[1]) keep(night, c.id, s.speedKmh);
        }
        const ff = freeFlow(c);
        for (const b of corridorBins({ ...c, freeFlowKmh: ff }, hops, binsCfg, 1, vehicle)) if (b.binStart >= from && b.binStart < until) bins.push(b);
      }
      doneUntil = until;
      bins.sort((a, b) => a.binStart - b.binStart || (a.corridor < b.corridor ? -1 : a.corridor > b.corridor ? 1 : 0));
      return bins.flatMap(toAlerts);
    },
    snapshot(): SlowdownSourceState {
      return { doneUntil, detector: detector.snapshot(), open: [...open].map(([c, i]) => [c, { ...i }]), night: [...night], road: [...road] };
    },
    restore(state: unknown): void {
      const s = state as SlowdownSourceState;
      doneUntil = s.doneUntil;
      detector = new SlowdownDetector(cfg);
      detector.restore(s.detector);
      open = new Map(s.open.map(([c, i]) => [c, { ...i }]));
      night = new Map(s.night);
      road = new Map(s.road);
    },
  };
}

/**
 * Parameters of the traffic layer (docs/traffic.md). Every field is optional; defaults in brackets.
 *
 * @example
 * resolveTrafficConfig({ binMs: 15 * 60_000, minDevices: 5 })
 */
export interface TrafficConfig {
  /** Length of a corridor bin, ms: 5 or 15 minutes. [300000] */
  binMs?: number;
  /** Fewest devices with a speed in a corridor-bin for a speed (else no speed). [5] */
  minDevices?: number;
  /** Device speeds below this are walkers, kept out of road speed and flow, km/h. [8] */
  walkMaxKmh?: number;
  /** Device speeds above this are rail or implausible, kept out, km/h. [140] */
  maxKmh?: number;
  /** A hop longer than this is not a traversal (a stop, a parked phone), ms. [1200000 = 20 min] */
  maxHopMs?: number;
  /** A device forgets its last cells after this much silence, ms. [3600000] */
  idleMs?: number;
  /** UTC hours [from, to) whose speeds give a corridor's free flow (85th percentile). [[0, 5]] */
  nightHours?: [number, number];
  /** Fewest night device speeds for a night free flow; else all speeds' 85th percentile. [5] */
  minNightSpeeds?: number;
  /** Corridor learning: fewest distinct moving devices for a 3-cell chain to count. [10] */
  minSupport?: number;
  /** Corridor learning: longest learned chain, cells. [10] */
  maxChainCells?: number;
  /** Slowdown alert: opens when congestion reaches this (1 − speed / free flow). [0.5] */
  alertOpen?: number;
  /** Slowdown alert: resolves when congestion is below this. [0.3] */
  alertClose?: number;
}

export type ResolvedTrafficConfig = Required<TrafficConfig>;

/** Fills in the defaults and checks every field, naming the bad one (RangeError). */
export function resolveTrafficConfig(config: TrafficConfig = {}): ResolvedTrafficConfig {
  const c: ResolvedTrafficConfig = {
    binMs: 300_000, minDevices: 5, walkMaxKmh: 8, maxKmh: 140, maxHopMs: 1_200_000, idleMs: 3_600_000,
    nightHours: [0, 5], minNightSpeeds: 5, minSupport: 10, maxChainCells: 10, alertOpen: 0.5, alertClose: 0.3,
    ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)),
  };
  const pos = (k: keyof TrafficConfig) => {
    const v = c[k] as number;
    if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new RangeError(`TrafficConfig.${k}: expected a positive number, got ${v}`);
  };
  for (const k of ['binMs', 'minDevices', 'walkMaxKmh', 'maxKmh', 'maxHopMs', 'idleMs', 'minNightSpeeds', 'minSupport', 'maxChainCells'] as const) pos(k);
  if (c.binMs % 60_000 !== 0 || 86_400_000 % c.binMs !== 0) throw new RangeError(`TrafficConfig.binMs: ${c.binMs} must be whole minutes dividing a day`);
  if (c.maxChainCells < 3) throw new RangeError('TrafficConfig.maxChainCells: at least 3');
  if (!(c.alertClose < c.alertOpen && c.alertOpen < 1 && c.alertClose >= 0)) throw new RangeError('TrafficConfig.alertOpen/alertClose: need 0 ≤ close < open < 1');
  const [h0, h1] = c.nightHours;
  if (!(h0 >= 0 && h1 <= 24 && h0 < h1)) throw new RangeError(`TrafficConfig.nightHours: expected [from, to) within 0–24, got ${c.nightHours}`);
  return c;
}

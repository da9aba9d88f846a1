import { distanceM } from '../../mobility/engine/distance-m.ts';
import type { DeviceCell } from './device-cell.ts';
import type { HomeWork } from './home-work.ts';
import { mccCountry } from './mcc-countries.ts';
import type { OriginCount } from './origin-count.ts';
import type { PlaceStay } from './place-stay.ts';
import type { ResolvedPopulationConfig } from './population-config.ts';
import type { ZonePopulation } from './zone-population.ts';
import { quarterPieces, ZonedClock } from './zoned-clock.ts';
import { posterior, zoneDensities } from './footprint-deconvolution.ts';

/** The per-device facts classification reads. */
export interface ClassifyInput {
  /** Stays inside the period. */
  stays: readonly PlaceStay[];
  /** Home/work per device over the period ({@link detectHomeWork}). */
  homeWork: readonly HomeWork[];
  /** MCC per device (from the located events); devices without one are domestic. */
  mcc: ReadonlyMap<string, string>;
  /** The network's own MCC: any other MCC is an inbound roamer. */
  homeMcc: string;
  /** Cells each device was seen in during the period (transit evidence); absent: no transit counted. */
  seen?: readonly DeviceCell[];
  /** Zone of a place (its H3 cell and centre), or null outside the zone system. */
  zoneOf: (h3: string, lat: number, lng: number) => string | null;
  /**
   * Where a device's home or work place may truly be, as a share per zone (summing to 1), or null to
   * count it whole in its place's zone. With it, residents and workers are expected counts: a device
   * adds its share to each zone of its footprint (src/locate/footprint-model.ts), rounded per zone at
   * the end. The origin of a domestic visitor with a shared home is shared the same way (over the
   * zones of its home's posterior other than the one visited); which zones a device visits stays whole.
   */
  shares?: (place: 'home' | 'work', h: HomeWork) => ReadonlyMap<string, number> | null;
  /**
   * Rounds of zone-density estimation for shared places ({@link zoneDensities}); 0 or absent: shares
   * by area alone. Needs {@link areaOf}.
   */
  densityRounds?: number;
  /** Area of a zone, m² (null: unknown — the zone gets density 0 once densities are estimated). */
  areaOf?: (zone: string) => number | null;
  /**
   * Whether a device is counted at its home (as a resident) or at its work place (as a worker); absent:
   * always. A day's count (`export population --by day`) counts those with a stay at the place that
   * day, while home and work come from the whole period. Visitors and origins are unchanged by it.
   */
  present?: (h: HomeWork, place: 'home' | 'work') => boolean;
}

/** The classification's result, per zone and per zone × origin (true counts: release with {@link ksafeBreakdown}). */
export interface Classification {
  zones: ZonePopulation[];
  origins: OriginCount[];
}

/**
 * Residents, workers, domestic day/overnight visitors and inbound roamers per zone, and visitors by
 * origin (docs/population.md). A device is in at most one class per zone: resident (home there, never
 * a roamer) › worker (work there) › roamer (foreign MCC, any stay there) › overnight visitor (a stay
 * there overlapping a night by ≥ `minNightOverlapMs`) › day visitor (any other stay there) › in
 * transit (seen there through located events, no stay there, the cell ≥ `minTransitDistanceM` from
 * every stay place of the device).
 */
export function classifyPopulation(input: ClassifyInput, cfg: ResolvedPopulationConfig, clock = new ZonedClock(cfg.timeZone)): Classification {
  const hw = new Map(input.homeWork.map((h) => [h.device, h]));
  /** device → zone → overnight? */
  const visits = new Map<string, Map<string, boolean>>();
  for (const s of input.stays) {
    const z = input.zoneOf(s.h3, s.lat, s.lng);
    if (z === null) continue;
    let m = visits.get(s.device);
    if (!m) visits.set(s.device, (m = new Map()));
    if (m.get(z) === true) continue;
    m.set(z, nightOverlap(s, cfg, clock) >= cfg.minNightOverlapMs);
  }
  const zones = new Map<string, ZonePopulation>();
  const get = (zone: string): ZonePopulation => {
    let p = zones.get(zone);
    if (!p) zones.set(zone, (p = { zone, residents: 0, workers: 0, dayVisitors: 0, overnightVisitors: 0, roamers: 0, transit: 0, visitors: 0, served: 0 }));
    return p;
  };
  const origins = new Map<string, number>();
  // Homes and work places shared over footprints (input.shares): collected first, so that the zone
  // densities of each can be estimated from all of them (footprint-deconvolution.ts) before counting.
  const shared: { h: HomeWork; hz: string | null; wz: string | null; home: ReadonlyMap<string, number>; work: ReadonlyMap<string, number> | null; atHome: boolean; atWork: boolean }[] = [];
  for (const h of input.homeWork) {
    if (roaming(h.device, input)) continue;
    const hz = homeZone(h, input);
    const wz = workZone(h, input);
    const atHome = hz !== null && (input.present?.(h, 'home') ?? true);
    const atWork = wz !== null && (input.present?.(h, 'work') ?? true);
    if (!input.shares) {
      if (atHome) get(hz!).residents++;
      if (atWork && wz !== hz) get(wz!).workers++;
      continue;
    }
    const sh = hz === null ? null : input.shares('home', h);
    const sw = wz === null ? null : input.shares('work', h);
    shared.push({ h, hz, wz, home: sh ?? (hz === null ? new Map() : new Map([[hz, 1]])), work: wz === null ? null : sw ?? new Map([[wz, 1]]), atHome, atWork });
  }
  /** Devices whose home is shared over zones: where it may be (posterior), for the origin of their visits. */
  const homeOf = new Map<string, ReadonlyMap<string, number>>();
  if (shared.length > 0) {
    const rounds = input.densityRounds ?? 0;
    const areaOf = input.areaOf ?? (() => null);
    const homeDensity = rounds > 0 ? zoneDensities(shared.map((d) => d.home), areaOf, rounds) : null;
    const workDensity = rounds > 0 ? zoneDensities(shared.flatMap((d) => (d.work ? [d.work] : [])), areaOf, rounds) : null;
    for (const d of shared) {
      const home = posterior(d.home, homeDensity);
      if (home.size > 1) homeOf.set(d.h.device, home);
      if (d.atHome) for (const [z, s] of home) get(z).residents += s;
      // A worker of zone z works there and lives elsewhere: the work share times the chance home is not in z.
      if (d.work && d.atWork) for (const [z, s] of posterior(d.work, workDensity)) get(z).workers += s * (1 - (home.get(z) ?? 0));
    }
    for (const p of zones.values()) {
      p.residents = Math.round(p.residents);
      p.workers = Math.round(p.workers);
    }
  }
  for (const [device, m] of visits) {
    const h = hw.get(device);
    const roamer = roaming(device, input);
    const hz = roamer || !h ? null : homeZone(h, input);
    const wz = roamer || !h ? null : workZone(h, input);
    const origin = roamer ? (mccCountry(input.mcc.get(device)!) ?? 'unknown') : (hz ?? 'unknown');
    for (const [zone, overnight] of m) {
      if (zone === hz || zone === wz) continue;
      const p = get(zone);
      if (roamer) p.roamers++;
      else if (overnight) p.overnightVisitors++;
      else p.dayVisitors++;
      if (overnight) p.served++;
      // A domestic visitor whose home is shared: its origin is where its home may be, by the same
      // posterior as residents, over the zones other than the one visited (it is a visitor there).
      const home = homeOf.get(device);
      if (home) {
        let rest = 0;
        for (const [o, p] of home) if (o !== zone) rest += p;
        if (rest > 0) {
          for (const [o, p] of home) if (o !== zone) origins.set(`${zone}\u0000${o}`, (origins.get(`${zone}\u0000${o}`) ?? 0) + p / rest);
          continue;
        }
      }
      const key = `${zone}\u0000${origin}`;
      origins.set(key, (origins.get(key) ?? 0) + 1);
    }
  }
  // Shared origins make expected counts: rounded per zone and origin (a pair rounding to 0 is not listed).
  if (homeOf.size > 0) {
    for (const [k, v] of origins) {
      const r = Math.round(v);
      if (r > 0) origins.set(k, r);
      else origins.delete(k);
    }
  }
  const transit = new Set<string>();
  const places = new Map<string, PlaceStay[]>();
  if (input.seen) {
    for (const s of input.stays) {
      const l = places.get(s.device);
      if (l) l.push(s);
      else places.set(s.device, [s]);
    }
  }
  for (const c of input.seen ?? []) {
    const z = input.zoneOf(c.h3, c.lat, c.lng);
    if (z === null || visits.get(c.device)?.has(z)) continue;
    if ((places.get(c.device) ?? []).some((s) => distanceM(s.lat, s.lng, c.lat, c.lng) < cfg.minTransitDistanceM)) continue;
    const h = hw.get(c.device);
    if (h && !roaming(c.device, input) && (z === homeZone(h, input) || z === workZone(h, input))) continue;
    const key = `${z}\u0000${c.device}`;
    if (transit.has(key)) continue;
    transit.add(key);
    get(z).transit++;
  }
  for (const p of zones.values()) {
    p.visitors = p.dayVisitors + p.overnightVisitors + p.roamers;
    p.served += p.residents + p.workers;
  }
  return {
    zones: [...zones.values()].sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : 0)),
    origins: [...origins].map(([k, visitors]) => {
      const [zone, origin] = k.split('\u0000') as [string, string];
      return { zone, origin, visitors };
    }).sort((a, b) => (a.zone < b.zone ? -1 : a.zone > b.zone ? 1 : a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0)),
  };
}

/** Zone of a device's home (its centre), or null. */
export function homeZone(h: HomeWork, input: Pick<ClassifyInput, 'zoneOf'>): string | null {
  return h.home === null || h.homeAt === null ? null : input.zoneOf(h.home, h.homeAt[0], h.homeAt[1]);
}

/** Zone of a device's work place (its centre), or null. */
export function workZone(h: HomeWork, input: Pick<ClassifyInput, 'zoneOf'>): string | null {
  return h.work === null || h.workAt === null ? null : input.zoneOf(h.work, h.workAt[0], h.workAt[1]);
}

function roaming(device: string, input: ClassifyInput): boolean {
  const m = input.mcc.get(device);
  return m !== undefined && m !== input.homeMcc;
}

/** Longest overlap of a stay with one night, ms. */
function nightOverlap(s: PlaceStay, cfg: ResolvedPopulationConfig, clock: ZonedClock): number {
  const per = new Map<number, number>();
  for (const [a, b] of quarterPieces(s.start, s.end)) {
    const { day, hour } = clock.local(a);
    const n = hour >= cfg.nightStartHour ? day : hour < cfg.nightEndHour ? day - 1 : null;
    if (n !== null) per.set(n, (per.get(n) ?? 0) + b - a);
  }
  return Math.max(0, ...per.values());
}

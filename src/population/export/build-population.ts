import { classifyPopulation } from '../engine/classify-population.ts';
import { detectHomeWork } from '../engine/detect-home-work.ts';
import { expansionFactors } from '../engine/expansion-factors.ts';
import type { HomeWork } from '../engine/home-work.ts';
import type { PlaceStay } from '../engine/place-stay.ts';
import { ksafeBreakdown } from '../engine/ksafe-breakdown.ts';
import type { OriginCount } from '../engine/origin-count.ts';
import type { ResolvedPopulationConfig } from '../engine/population-config.ts';
import { resolveHomeMcc, type HomeMcc } from '../engine/resolve-home-mcc.ts';
import type { ZonePopulation } from '../engine/zone-population.ts';
import { ZonedClock } from '../engine/zoned-clock.ts';
import { placeShares } from '../engine/place-shares.ts';
import type { FootprintOf } from '../../locate/footprint-model.ts';
import { distanceM } from '../../mobility/engine/distance-m.ts';
import { area } from '@turf/turf';
import type { Feature, Geometry } from 'geojson';
import type { PopulationInput } from '../duckdb/read-population-input.ts';

/** Options of {@link buildPopulation}. */
export interface PopulationRequest {
  config: ResolvedPopulationConfig;
  /** Release threshold (k-safe breakdowns). */
  k: number;
  /** The network's MCC; inferred from the input (most-seen) when absent. */
  homeMcc?: string;
  /** Operator's share of the population, (0, 1]. [1] */
  marketShare?: number;
  /** Census population per zone (optional). */
  census?: ReadonlyMap<string, number> | null;
  /**
   * Footprints of cell-seen places (`CellTable.footprints()`): residents and workers are then shared
   * among the zones of each home's and work place's footprint (expected counts). Absent: whole.
   */
  footprints?: FootprintOf;
  /** Rounds of zone-density estimation for footprints (src/population/engine/footprint-deconvolution.ts). [{@link DENSITY_ROUNDS}] */
  densityRounds?: number;
  /** The period, epoch ms (default: from the first stay start to the last stay end). */
  from?: number;
  to?: number;
  /**
   * `day`: also count each local day of the period ({@link PopulationResult.days}) with home and work
   * from the whole period. [`period`]
   */
  by?: 'period' | 'day';
}

/** The period's ends, epoch ms: the request's, else the first stay start and the last stay end. */
function periodBounds(input: PopulationInput, req: PopulationRequest): [number, number] {
  let a = req.from ?? Infinity, b = req.to ?? -Infinity;
  if (req.from === undefined) for (const s of input.stays) a = Math.min(a, s.start);
  if (req.to === undefined) for (const s of input.stays) b = Math.max(b, s.end);
  return [a, b];
}

/** Nights in the period (whole days between its ends). */
function periodNights(input: PopulationInput, req: PopulationRequest): number {
  const [a, b] = periodBounds(input, req);
  return b > a ? Math.round((b - a) / 86_400_000) : 0;
}

/** One released row of `export population`. */
export interface PopulationRow extends Omit<ZonePopulation, 'transit'> {
  /** People in transit, released on its own: null when in [1, k) (it is part of no released sum). */
  transit: number | null;
  factor: number;
  residentsExpanded: number;
  workersExpanded: number;
  visitorsExpanded: number;
  servedExpanded: number;
}

/** What {@link buildPopulation} computed: true results (operator-side) and the released rows. */
export interface PopulationResult {
  homeWork: HomeWork[];
  homeMcc: HomeMcc | null;
  /** True per-zone counts (not for release). */
  zones: ZonePopulation[];
  /** True origins (not for release). */
  origins: OriginCount[];
  released: PopulationRow[];
  releasedOrigins: OriginCount[];
  suppressedZones: string[];
  suppressedOriginZones: string[];
  factor: (zone: string) => number;
  /** With `by: 'day'`: each local day of the period, released on its own (one release per day). */
  days?: PopulationDay[];
}

/** One local day of a population count by day (true counts stay operator-side, as for the period). */
export interface PopulationDay {
  /** Local date, YYYY-MM-DD in the configured time zone. */
  day: string;
  released: PopulationRow[];
  releasedOrigins: OriginCount[];
  suppressedZones: string[];
  suppressedOriginZones: string[];
}

/**
 * Rounds of zone-density estimation when homes and work places are shared over footprints. At 1,500
 * residents 1, 2, 3, 10 and 30 rounds give the same per-zone errors (demo city and Milan, seeds 1 and
 * 2); at 20,000 in Milan 2 rounds still leave the smoothing of area shares (zone error correlates
 * −0.40 with a zone's density over its neighbours'; −0.10 after 10 rounds) and 10 put 81 % of the
 * districts within 5 % instead of 80 %, the same as 50 (`population-diagnose.ts --only zones`;
 * docs/population.md). The maximum-likelihood limit can empty a zone whose few devices are all
 * ambiguous next to a denser one (the hand test), which 10 rounds did not do in either city.
 */
export const DENSITY_ROUNDS = 10;

const r1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Home/work per device → classification per zone → expansion → k-safe release (docs/population.md).
 * Population rows release the labels residents, workers, day_visitors, overnight_visitors, roamers
 * together (a zone with any of them in [1, k) is dropped whole; visitors and served are sums of
 * released labels). `transit` is released on its own, per zone, as its value when 0 or ≥ k, else null:
 * it enters no released sum, so a withheld transit count is not recoverable by difference. Origins pool labels below k into `other` and drop the zone when that pool is < k.
 */
export function buildPopulation(input: PopulationInput, req: PopulationRequest): PopulationResult {
  const clock = new ZonedClock(req.config.timeZone);
  const homeWork = detectHomeWork(input.stays, req.config, clock, periodNights(input, req));
  const homeMcc = resolveHomeMcc(req.homeMcc, input.mcc);
  let last = -Infinity;
  for (const s of input.stays) last = Math.max(last, s.end);
  const shares = req.footprints && placeShares(req.footprints, input.zoneOf, Math.min(req.to ?? Infinity, last) - 1);
  // What the period and each day classify with (a day swaps in its own stays and cells).
  const classifyInput = { homeWork, mcc: input.mcc, homeMcc: homeMcc?.mcc ?? '', zoneOf: input.zoneOf, ...(shares ? { shares, densityRounds: req.densityRounds ?? DENSITY_ROUNDS, areaOf: zoneArea(input) } : {}) };
  const { zones, origins } = classifyPopulation({ ...classifyInput, stays: input.stays, seen: input.seen }, req.config, clock);
  const factor = expansionFactors(new Map(zones.map((z) => [z.zone, z.residents])), req.census ?? null, req.marketShare ?? 1);
  const period = release(zones, origins, factor, req.k);
  let days: PopulationDay[] | undefined;
  if (req.by === 'day') {
    days = [];
    for (const d of localDays(input, req, clock)) {
      const stays = input.stays.filter((s) => s.end > d.start && s.start < d.end).map((s) => ({ ...s, start: Math.max(s.start, d.start), end: Math.min(s.end, d.end) }));
      // Present at home (work) that day: a stay at the place's cell, or centred within presentRadiusM of the place's centre.
      const at = new Set(stays.map((s) => `${s.device}\u0000${s.h3}`));
      const byDevice = new Map<string, PlaceStay[]>();
      for (const s of stays) {
        const l = byDevice.get(s.device);
        if (l) l.push(s);
        else byDevice.set(s.device, [s]);
      }
      const present = (h: HomeWork, place: 'home' | 'work') => {
        const [h3, c] = place === 'home' ? [h.home, h.homeAt] : [h.work, h.workAt];
        return at.has(`${h.device}\u0000${h3}`) || (c !== null && (byDevice.get(h.device) ?? []).some((s) => distanceM(s.lat, s.lng, c[0], c[1]) <= req.config.presentRadiusM));
      };
      // device_cells rows are UTC days: each goes to the local day holding its noon.
      const seen = input.seen.filter((c) => c.dayEnd !== undefined && c.dayEnd - 43_200_000 >= d.start && c.dayEnd - 43_200_000 < d.end);
      const c = classifyPopulation({ ...classifyInput, stays, seen, present }, req.config, clock);
      days.push({ day: d.label, ...release(c.zones, c.origins, factor, req.k) });
    }
  }
  return { homeWork, homeMcc, zones, origins, ...period, factor, ...(days ? { days } : {}) };
}

/**
 * One release of per-zone counts and origins (the period's, or a day's): labels released together, a
 * zone with any label in [1, k) dropped whole; origins pooled into `other`, the zone dropped when the
 * pool is in [1, k); expanded with the period's factors.
 */
function release(zones: ZonePopulation[], origins: OriginCount[], factor: (zone: string) => number, k: number): Omit<PopulationDay, 'day'> {
  const byZone = new Map(zones.map((z) => [z.zone, z]));
  const pop = ksafeBreakdown(zones.map((z) => ({
    zone: z.zone,
    counts: { residents: z.residents, workers: z.workers, dayVisitors: z.dayVisitors, overnightVisitors: z.overnightVisitors, roamers: z.roamers },
  })), k);
  const released = pop.released.map(({ zone }): PopulationRow => {
    const z = byZone.get(zone)!, f = factor(zone);
    return {
      ...z, transit: z.transit === 0 || z.transit >= k ? z.transit : null, factor: Math.round(f * 100) / 100,
      residentsExpanded: r1(z.residents * f), workersExpanded: r1(z.workers * f), visitorsExpanded: r1(z.visitors * f), servedExpanded: r1(z.served * f),
    };
  });
  const perZone = new Map<string, Record<string, number>>();
  for (const o of origins) {
    let m = perZone.get(o.zone);
    if (!m) perZone.set(o.zone, (m = {}));
    m[o.origin] = o.visitors;
  }
  const org = ksafeBreakdown([...perZone].map(([zone, counts]) => ({ zone, counts })), k, { label: 'other' });
  const releasedOrigins = org.released.flatMap(({ zone, counts }) =>
    Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([origin, visitors]) => ({ zone, origin, visitors })));
  return { released, releasedOrigins, suppressedZones: pop.suppressedZones, suppressedOriginZones: org.suppressedZones };
}

const DAY_MS = 86_400_000;

/** The local days the period touches, each as its UTC bounds and its date. */
function localDays(input: PopulationInput, req: PopulationRequest, clock: ZonedClock): { start: number; end: number; label: string }[] {
  const [a, b] = periodBounds(input, req);
  if (!(b > a)) return [];
  // Local midnight of day D in UTC: D × 24 h minus the offset there (looked up twice, for the offset at that instant).
  const midnight = (day: number) => {
    let t = day * DAY_MS;
    for (let i = 0; i < 2; i++) t = day * DAY_MS - clock.offset(t);
    return t;
  };
  const out: { start: number; end: number; label: string }[] = [];
  for (let d = clock.local(a).day, last = clock.local(b - 1).day; d <= last; d++) {
    out.push({ start: Math.max(a, midnight(d)), end: Math.min(b, midnight(d + 1)), label: new Date(d * DAY_MS).toISOString().slice(0, 10) });
  }
  return out;
}

/** Area of each zone of the input's space (m², from its geometry), memoised; null without geometry. */
function zoneArea(input: PopulationInput): (zone: string) => number | null {
  const memo = new Map<string, number | null>();
  return (zone) => {
    let a = memo.get(zone);
    if (a === undefined) {
      const g = input.geometry(zone) as Geometry | null;
      memo.set(zone, (a = g ? area({ type: 'Feature', properties: {}, geometry: g } as Feature) : null));
    }
    return a;
  };
}

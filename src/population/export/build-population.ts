import { classifyPopulation } from '../engine/classify-population.ts';
import { detectHomeWork } from '../engine/detect-home-work.ts';
import { expansionFactors } from '../engine/expansion-factors.ts';
import type { HomeWork } from '../engine/home-work.ts';
import { ksafeBreakdown } from '../engine/ksafe-breakdown.ts';
import type { OriginCount } from '../engine/origin-count.ts';
import type { ResolvedPopulationConfig } from '../engine/population-config.ts';
import { resolveHomeMcc, type HomeMcc } from '../engine/resolve-home-mcc.ts';
import type { ZonePopulation } from '../engine/zone-population.ts';
import { ZonedClock } from '../engine/zoned-clock.ts';
import { placeShares } from '../engine/place-shares.ts';
import type { FootprintOf } from '../../locate/footprint-model.ts';
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
}

/** Nights in the period (whole days between its ends). */
function periodNights(input: PopulationInput, req: PopulationRequest): number {
  let a = req.from ?? Infinity, b = req.to ?? -Infinity;
  if (req.from === undefined) for (const s of input.stays) a = Math.min(a, s.start);
  if (req.to === undefined) for (const s of input.stays) b = Math.max(b, s.end);
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
}

/**
 * Rounds of zone-density estimation when homes and work places are shared over footprints. The
 * accuracy command's per-zone errors barely move between 1, 2, 3, 10 and 30 rounds (demo city and
 * Milan, seeds 1 and 2; docs/population.md, "Footprints"); more rounds approach the maximum-likelihood
 * limit, which can empty a zone whose devices are all ambiguous next to a denser one, so few.
 */
export const DENSITY_ROUNDS = 2;

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
  const { zones, origins } = classifyPopulation(
    { stays: input.stays, seen: input.seen, homeWork, mcc: input.mcc, homeMcc: homeMcc?.mcc ?? '', zoneOf: input.zoneOf, ...(shares ? { shares, densityRounds: req.densityRounds ?? DENSITY_ROUNDS, areaOf: zoneArea(input) } : {}) }, req.config, clock);
  const factor = expansionFactors(new Map(zones.map((z) => [z.zone, z.residents])), req.census ?? null, req.marketShare ?? 1);
  const byZone = new Map(zones.map((z) => [z.zone, z]));
  const pop = ksafeBreakdown(zones.map((z) => ({
    zone: z.zone,
    counts: { residents: z.residents, workers: z.workers, dayVisitors: z.dayVisitors, overnightVisitors: z.overnightVisitors, roamers: z.roamers },
  })), req.k);
  const released = pop.released.map(({ zone }): PopulationRow => {
    const z = byZone.get(zone)!, f = factor(zone);
    return {
      ...z, transit: z.transit === 0 || z.transit >= req.k ? z.transit : null, factor: Math.round(f * 100) / 100,
      residentsExpanded: r1(z.residents * f), workersExpanded: r1(z.workers * f), visitorsExpanded: r1(z.visitors * f), servedExpanded: r1(z.served * f),
    };
  });
  const perZone = new Map<string, Record<string, number>>();
  for (const o of origins) {
    let m = perZone.get(o.zone);
    if (!m) perZone.set(o.zone, (m = {}));
    m[o.origin] = o.visitors;
  }
  const org = ksafeBreakdown([...perZone].map(([zone, counts]) => ({ zone, counts })), req.k, { label: 'other' });
  const releasedOrigins = org.released.flatMap(({ zone, counts }) =>
    Object.entries(counts).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([origin, visitors]) => ({ zone, origin, visitors })));
  return {
    homeWork, homeMcc, zones, origins, released, releasedOrigins,
    suppressedZones: pop.suppressedZones, suppressedOriginZones: org.suppressedZones, factor,
  };
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

import type { Segment } from '../people/segment.ts';
import type { TrueTrip } from './truth-sink.ts';

/**
 * What counts as a trip in the true OD: the OD product's own semantics (docs/mobility.md), so that
 * truth and estimate count the same thing.
 */
export interface OdTruthRule {
  /** A stop shorter than this is not a stay: the trip runs through it. [15 min, the cell-based minimum dwell] */
  minDwellMs: number;
  /** Consecutive stays closer than this are one place: no trip. [1000 m, the cell-based roam radius] */
  minDistanceM: number;
}

/** The defaults of the trajectory layer for cell-based events (`cellMinDwellMs`, `cellRadiusM`). */
export const OD_TRUTH_RULE: OdTruthRule = { minDwellMs: 15 * 60_000, minDistanceM: 1_000 };

/**
 * A day plan's trips under the OD semantics: between consecutive stays of at least
 * `minDwellMs` (the plan's first stay, continuing the night, and its open last stay always count)
 * whose places lie more than `minDistanceM` apart (straight line). Departure = the end of the
 * origin stay, arrival = the start of the destination stay; a shorter stop in between is passed
 * through; a stay within the distance of the previous one replaces it as the origin (as the stay
 * detector does). `zoneId(i)` names zone index i ('' outside every zone); the mode is the first leg's.
 *
 * @example
 * // home (night) → shop 10 min → work (8 h), work 4 km from home: one trip home → work.
 */
export function odTruthTrips(imsi: string, segments: readonly Segment[], zoneId: (zone: number) => string, rule: OdTruthRule = OD_TRUTH_RULE): TrueTrip[] {
  const out: TrueTrip[] = [];
  let origin: Segment | null = null;
  let firstLeg: Segment | null = null;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (s.moving) {
      if (origin && !firstLeg) firstLeg = s;
      continue;
    }
    const counts = origin === null || i === segments.length - 1 || s.to - s.from >= rule.minDwellMs;
    if (!counts) continue;
    if (origin && firstLeg && Math.hypot(s.x - origin.x, s.y - origin.y) > rule.minDistanceM) {
      out.push({ imsi, departTs: origin.to, arriveTs: s.from, fromZone: zoneId(origin.fromZone), toZone: zoneId(s.fromZone), mode: firstLeg.mode! });
    }
    origin = s;
    firstLeg = null;
  }
  return out;
}

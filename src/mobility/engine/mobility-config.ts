/**
 * Configuration of the trajectory layer (ping-pong filter → stays → trips → OD). Every field is
 * optional in {@link MobilityConfig}; {@link resolveMobilityConfig} fills the defaults stated here.
 * Rules and sources: docs/mobility.md.
 */
export interface MobilityConfig {
  /** Roam radius of a stay seen through cell events, m. [1000] */
  cellRadiusM?: number;
  /** Roam radius of a stay seen only through GPS fixes, m (Li et al. 2008; scikit-mobility 0.2 km). [200] */
  gpsRadiusM?: number;
  /**
   * Tolerance added to the GPS radius because the pipeline snaps fixes to their base H3 cell
   * (res 9: adjacent centres ≈ 300 m apart), m. [320]
   */
  gridSlackM?: number;
  /**
   * Radius for a point against a stay seen so far only through the other kind — a cell event against
   * a fixes-only stay, a fix against a cell-only stay — m: the serving site may be a cell range away
   * from the phone. [2000]
   */
  crossRadiusM?: number;
  /** Minimum dwell of a stay when cell events are involved, ms. [15 min] */
  cellMinDwellMs?: number;
  /** Minimum dwell of a GPS-only stay, ms (Li et al. 2008; scikit-mobility 20 min). [20 min] */
  gpsMinDwellMs?: number;
  /**
   * How long a stay's place keeps settling before it is fixed (and the trip into it emitted), ms: the
   * time-weighted centre of the first minutes is rough (a fix may not have come yet, a ping-pong
   * weighs much). A stay ending sooner is fixed at its end. [30 min]
   */
  placeSettleMs?: number;
  /** Longest silence bridged inside one stay, ms: about two periodic TAU intervals. [108 min = 2 × 54 min] */
  maxGapMs?: number;
  /** An excursion that returns within this time is oscillation (A-B-A, Wu et al. 2014), ms. [10 min] */
  oscWindowMs?: number;
  /** Distinct cells (the stay's own included) an oscillation may switch among. [3] */
  oscMaxCells?: number;
  /** Farthest an oscillation cell may lie from the stay centre, m (neighbouring cells). [3000] */
  oscMaxDistanceM?: number;
  /** Speed above which a jump-and-return is physically impossible, km/h. [200] */
  maxSpeedKmh?: number;
  /** Location slack subtracted from cell-to-cell distances before computing a speed, m. [1000] */
  speedSlackM?: number;
  /** Longest trip linked between two stays (departure → arrival), ms; longer gaps give no trip. [3 h] */
  maxTripMs?: number;
  /** H3 resolution a stay's place is snapped to. [8] */
  stayRes?: number;
}

/** A {@link MobilityConfig} with every default filled in. */
export type ResolvedMobilityConfig = Required<MobilityConfig>;

const MIN = 60_000;

/** The documented defaults. */
export const DEFAULT_MOBILITY_CONFIG: ResolvedMobilityConfig = {
  cellRadiusM: 1000,
  gpsRadiusM: 200,
  gridSlackM: 320,
  crossRadiusM: 2000,
  cellMinDwellMs: 15 * MIN,
  gpsMinDwellMs: 20 * MIN,
  placeSettleMs: 30 * MIN,
  maxGapMs: 108 * MIN,
  oscWindowMs: 10 * MIN,
  oscMaxCells: 3,
  oscMaxDistanceM: 3000,
  maxSpeedKmh: 200,
  speedSlackM: 1000,
  maxTripMs: 3 * 60 * MIN,
  stayRes: 8,
};

/** Fills the defaults and checks every field, naming the bad one. */
export function resolveMobilityConfig(config: MobilityConfig = {}): ResolvedMobilityConfig {
  const c: ResolvedMobilityConfig = { ...DEFAULT_MOBILITY_CONFIG };
  for (const [k, v] of Object.entries(config)) if (v !== undefined) (c as Record<string, number>)[k] = v as number;
  for (const [k, v] of Object.entries(c)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`MobilityConfig.${k}: expected a finite number ≥ 0, got ${v}`);
  }
  if (!Number.isInteger(c.stayRes) || c.stayRes > 15) throw new RangeError(`MobilityConfig.stayRes: expected an H3 resolution 0–15, got ${c.stayRes}`);
  if (c.oscMaxCells < 2) throw new RangeError(`MobilityConfig.oscMaxCells: expected ≥ 2, got ${c.oscMaxCells}`);
  return c;
}

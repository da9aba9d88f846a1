import type { DeadLetterReason } from '../../../schemas/events.ts';
import type { TravelMode } from '../people/travel-mode.ts';

/** Where a device physically spent most of a window. */
export interface TruePosition {
  /** Window start, epoch ms. */
  windowStart: number;
  imsi: string;
  /** H3 cell, resolution 9. */
  h3: string;
}

/** One trip a subscriber really made. */
export interface TrueTrip {
  imsi: string;
  /** Epoch ms. */
  departTs: number;
  arriveTs: number;
  /** Zone ids ('' when a venue lies outside every zone). */
  fromZone: string;
  toZone: string;
  mode: TravelMode;
}

/** A stay of a device in a zone while its phone was on (population truth), epoch ms. */
export interface TrueVisit {
  imsi: string;
  /** Zone id. */
  zone: string;
  start: number;
  end: number;
}

/** A road edge driven by a car or a bus passenger (simulator with roads; docs/traffic.md). */
export interface TrueRoadTraversal {
  imsi: string;
  /** Edge id (truth/roads.geojson). */
  edge: string;
  /** Epoch ms of entering and leaving the edge. */
  enter: number;
  exit: number;
  mode: TravelMode;
}

/** A deliberately bad line and the dead-letter reason the pipeline should give it. */
export interface BadLine {
  /** 1-based line number in the NDJSON output. */
  line: number;
  reason: DeadLetterReason;
}

/**
 * Receives the ground truth as the simulation runs (each callback optional). Positions come once per
 * window for every device attached for at least half of it, in window order; trips come when a
 * day is planned; bad lines as they are written.
 */
export interface TruthSink {
  position?(p: TruePosition): void;
  trip?(t: TrueTrip): void;
  /**
   * The trips of the true OD (`truth/od-zones.csv`), under the OD product's semantics
   * (src/sim/truth/od-truth-trips.ts): between consecutive stays ≥ 15 min, > 1 km apart. A stop
   * shorter than that is passed through; a move to within 1 km is no trip. When a day is planned.
   */
  odTrip?(t: TrueTrip): void;
  badLine?(b: BadLine): void;
  /** Stays of ≥ 20 min in a zone with the phone on (population truth), when a day is planned. */
  visit?(v: TrueVisit): void;
  /** Every road edge driven (with roads), when a day is planned. */
  roadTraversal?(t: TrueRoadTraversal): void;
}

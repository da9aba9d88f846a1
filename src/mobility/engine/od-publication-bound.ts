import type { ResolvedMobilityConfig } from './mobility-config.ts';

/**
 * How long after an hour ends (in event time) its OD can still change: a trip departing at d is
 * emitted when its destination stay's place is fixed. The destination starts by d + maxTrip (longer
 * gaps link no trip); its place is fixed by the first event at least max(minimum dwell,
 * placeSettle) after its start, or by its end — and events are at most maxGap apart, else silence
 * ends it (decided maxGap after its last event); an event is settled (oscillation or not) at most
 * oscWindow later. Hence bound = maxTrip + max(cellMinDwell, gpsMinDwell, placeSettle) + maxGap +
 * oscWindow (3 h + 30 min + 1 h 48 min + 10 min = 5 h 28 min by default). Under `stream` the
 * consumer sees event time through closed windows, which adds the window length and the lateness of
 * the watermark in processing time; nothing else.
 */
export function odPublicationBoundMs(cfg: ResolvedMobilityConfig): number {
  return cfg.maxTripMs + Math.max(cfg.cellMinDwellMs, cfg.gpsMinDwellMs, cfg.placeSettleMs) + cfg.maxGapMs + cfg.oscWindowMs;
}

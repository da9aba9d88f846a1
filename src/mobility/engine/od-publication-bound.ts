import type { ResolvedMobilityConfig } from './mobility-config.ts';

/**
 * How long after an hour ends (in event time) its OD can still change: a trip departing at d is
 * emitted when its destination stay is confirmed. The destination starts by d + maxTrip (longer
 * gaps link no trip); it is confirmed by an event or a departure at most maxGap after its start; and
 * that event is settled (oscillation or not) at most oscWindow later. Hence
 * bound = maxTrip + maxGap + oscWindow (3 h + 1 h 48 min + 10 min by default). Under `stream` the
 * consumer sees event time through closed windows, which adds the window length and the lateness of
 * the watermark in processing time; nothing else.
 */
export function odPublicationBoundMs(cfg: ResolvedMobilityConfig): number {
  return cfg.maxTripMs + cfg.maxGapMs + cfg.oscWindowMs;
}

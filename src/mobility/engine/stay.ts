/** Why a stay ended. */
export const STAY_END_REASONS = ['departure', 'silence', 'detach', 'open'] as const;
export type StayEndReason = (typeof STAY_END_REASONS)[number];

/** Which kinds of events a stay was seen through. */
export const STAY_SOURCES = ['cell', 'gps', 'mixed'] as const;
export type StaySource = (typeof STAY_SOURCES)[number];

/** A period a device remained at one place (table `stays`). */
export interface Stay {
  device: string;
  /** First event at the place, epoch ms. */
  start: number;
  /** Departure (first event elsewhere) when it came within the bridged gap, else the last event there. */
  end: number;
  /** Last event at the place, epoch ms. */
  lastTs: number;
  /** H3 cell (res 8 by default) of the time-weighted centre when the stay was confirmed. */
  h3: string;
  lat: number;
  lng: number;
  /** Events assigned to the stay (oscillation events absorbed into it included). */
  events: number;
  /** Of which absorbed as oscillation. */
  oscillations: number;
  source: StaySource;
  endReason: StayEndReason;
}

/** States of a slowdown incident's events. */
export const SLOWDOWN_STATES = ['open', 'resolved'] as const;
export type SlowdownState = (typeof SLOWDOWN_STATES)[number];

/** One event of a traffic slowdown incident on a corridor (table `traffic_alerts`, kind `slowdown`). */
export interface SlowdownAlert {
  /** First 128 bits (hex) of SHA-256 over [corridor, 'slowdown', opening bin start]: stable across replays. */
  alertId: string;
  /** 0 for open, 1 for resolved. */
  seq: number;
  corridor: string;
  kind: 'slowdown';
  state: SlowdownState;
  /** The bin this event was computed from, epoch ms. */
  binStart: number;
  /** The bin that opened the incident. */
  openedBin: number;
  speedKmh: number | null;
  freeFlowKmh: number | null;
  congestion: number | null;
  devices: number;
  message: string;
}

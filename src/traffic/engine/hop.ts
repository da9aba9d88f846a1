/**
 * One device crossing one cell between two handovers: it entered cell `h3` from `prev` at `enterTs`
 * and left it for `next` at `exitTs` — three cells in order with the timing of both boundaries.
 * Hops are what the traffic consumer stores; corridor flows and speeds are computed from them for
 * any set of corridors (learned or declared), so corridors can change without re-ingesting.
 */
export interface Hop {
  /** Pseudonymous device id (never an IMSI). */
  device: string;
  /** H3 cells (base resolution, hex) of the serving sites before, during and after. */
  prev: string;
  h3: string;
  next: string;
  /** Epoch ms of the handovers into `h3` and into `next`. */
  enterTs: number;
  exitTs: number;
}

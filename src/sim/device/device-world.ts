import type { SiteIndex } from '../city/site-index.ts';
import type { RecordSink } from './record-sink.ts';

/** What every device shares: the radio plan, the clock and where records go. */
export interface DeviceWorld {
  index: SiteIndex;
  /** Re-plan times, ascending: a stationary device re-selects its cell after each. */
  replanTimes: readonly number[];
  /** Epoch ms of the first simulated midnight (the routine clock). */
  start: number;
  /** Periodic TAU timer, ms. */
  tauMs: number;
  /** Share of multi-record bursts sent as one JSON-array line. */
  arrayRate: number;
  /** Ping-pong episodes per hour of a stationary phone (0: none). */
  pingPongPerHour: number;
  sink: RecordSink;
}

/** One row of the `presence` table: measures of one H3 cell in one closed window. */
export interface PresenceRow {
  /** Window start, epoch ms (inclusive). */
  windowStart: number;
  /** Window end, epoch ms (exclusive). */
  windowEnd: number;
  /** H3 cell (hex string) at resolution `res`. */
  h3: string;
  res: number;
  /** Devices whose longest dwell in the window was in this cell (each device counts once in the city). */
  present: number;
  /** Distinct devices with at least one event in this cell in the window. */
  active: number;
  /** Events located in this cell in the window. */
  events: number;
}

/** An event that arrived after its window had closed: kept, counted, never lost. */
export interface LateEvent {
  ts: number;
  device: string;
  h3: string;
  kind: string;
  windowStart: number;
  /** The watermark at arrival. */
  watermark: number;
}

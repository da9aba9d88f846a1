/** Counts of what a simulation run produced so far. */
export interface SimStats {
  /** NDJSON lines written, bad lines included. */
  lines: number;
  /** Good records (an array line holds several). */
  records: number;
  signalling: number;
  fixes: number;
  /** Lines holding a JSON array. */
  arrayLines: number;
  badLines: number;
  devices: number;
  /** Signalling records per event kind. */
  byEvent: Record<string, number>;
}

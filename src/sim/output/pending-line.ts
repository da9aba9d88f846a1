/** An NDJSON line waiting for its arrival time, with its first record's fields (to derive bad lines). */
export interface PendingLine {
  /** Arrival time, epoch ms: event time plus network delay. */
  arrival: number;
  /** Tie-breaker: creation order. */
  seq: number;
  line: string;
  /** Records in the line (> 1 for a JSON array). */
  records: number;
  ts: number;
  imsi: string;
  /** Serving cell of a signalling record, '' for a fix. */
  cell: string;
  /** Event kind, or 'fix'. */
  kind: string;
  lat: number;
  lon: number;
}

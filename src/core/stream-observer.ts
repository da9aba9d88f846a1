/**
 * The port between the stream runner and whatever watches it (Prometheus metrics, the live HTTP
 * server's readiness and server-sent events). The runner knows only these plain types; adapters
 * (src/outputs/metrics, src/outputs/http) implement or read them.
 */

/** One assigned partition as the runner sees it now. */
export interface PartitionStatus {
  topic: string;
  partition: number;
  /** Restored from its checkpoint and consuming. */
  restored: boolean;
  /** Next offset to read (-1 before the first message of a fresh group). */
  nextOffset: number;
  /** The partition's end (high watermark) at the last look, or null before the first look. */
  endOffset: number | null;
  /** `endOffset - nextOffset` (≥ 0), or null when either is unknown. */
  lag: number | null;
}

/** Counters summed over the live partitions (restored from the checkpoints, so they survive restarts). */
export interface StreamCounters {
  /** Records read. */
  records: number;
  /** Accepted records by event kind (`attach`, `handover`, …, `fix`). */
  acceptedByKind: Record<string, number>;
  late: number;
  /** Dead letters by reason. */
  deadLetters: Record<string, number>;
}

/** Answer of {@link StreamStatus.readiness}. */
export interface Readiness {
  ready: boolean;
  /** Why not (or `caught up`). */
  reason: string;
}

/** What the runner exposes to observers, read on demand (a scrape, a readiness probe). */
export interface StreamStatus {
  partitions(): PartitionStatus[];
  counters(): StreamCounters;
  /** Devices held in memory over the live partitions. */
  devicesHeld(): number;
  /** Wall clock minus the lowest watermark of the live partitions (ms), or null before any event. */
  eventTimeDelayMs(): number | null;
  /** End of the windows published so far (ms), or null. */
  publishedUntil(): number | null;
  /** Assigned partitions exist, all are restored, and each lags at most the configured bound. */
  readiness(): Readiness;
}

/** One committed checkpoint. */
export interface CheckpointInfo {
  /** From the start of the checkpoint to the commit of its DuckDB transaction (ms). */
  durationMs: number;
  /** Published frontier before and after (ms); equal when no window was published. */
  publishedBefore: number | null;
  publishedUntil: number | null;
  /**
   * When windows were published: from the first checkpoint request after they closed (a closing
   * window requests one at once) to the commit (ms). Null otherwise.
   */
  publishLatencyMs: number | null;
  /**
   * When the checkpoint wrote state snapshots: how many (`deltas` of them incremental), their
   * serialised and encoded (stored) bytes, and the ms taken to serialise them.
   */
  snapshots?: { partitions: number; deltas?: number; rawBytes: number; encodedBytes: number; serialiseMs: number };
}

/** Receives the runner's status once it starts, and each committed checkpoint. Every member optional. */
export interface StreamObserver {
  attach?(status: StreamStatus): void;
  checkpointed?(info: CheckpointInfo): void;
}

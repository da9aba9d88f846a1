import type { LateEvent, PresenceRow } from '../window/presence-row.ts';
import type { DeadLetterReason } from '../../schemas/events.ts';

/** A record that could not enter the pipeline, as stored: the payload has its IMSIs redacted. */
export interface DeadLetter {
  /** File path or `topic` the record came from. */
  source: string;
  /** `line N` (files) or `partition@offset` (Kafka), plus `[i]` for an element of a JSON array. */
  position: string;
  reason: DeadLetterReason;
  detail: string;
  /** The raw payload with subscriber identities redacted. */
  payload: string;
  /** Event time when it could be read, else null. */
  eventTs: number | null;
}

/** A late event and where it came from. */
export interface LateRecord extends LateEvent {
  source: string;
  position: string;
}

/**
 * Where the pipeline's results go. Calls buffer; {@link flush} makes them durable. Implementations:
 * DuckDB (src/outputs/duckdb/duckdb-sink.ts), one Kafka partition's checkpoint buffer
 * (src/ingest/sources/kafka/partition-buffer.ts); tests may collect in memory.
 */
export interface PipelineSink {
  presence(rows: readonly PresenceRow[]): void;
  deadLetter(dl: DeadLetter): void;
  late(le: LateRecord): void;
  /**
   * Outputs of the device consumer named `consumer` (see `src/window/device-window.ts`), in emission
   * order. Optional: a sink without it drops device outputs (only pipelines with device consumers emit).
   */
  deviceOutputs?(consumer: string, rows: readonly unknown[]): void;
  /** Writes everything buffered. */
  flush(): Promise<void>;
}

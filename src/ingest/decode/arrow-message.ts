import { RecordBatchReader, type RecordBatch } from 'apache-arrow';
import { ArrowColumnarBatch } from './arrow-columnar-batch.ts';
import { ArrowRecordCursor, type ArrowRowRecord } from './arrow-record-cursor.ts';

/** The Kafka `content-type` header value of a message holding an Arrow IPC stream of records. */
export const ARROW_STREAM_CONTENT_TYPE = 'application/vnd.apache.arrow.stream';

/**
 * The rows of an Arrow IPC stream: iterable one record at a time (one reused object, refilled per
 * row: consume each row before the next), and held column-wise as {@link ArrowColumnarBatch}es for
 * the columnar path (`IngestPipeline.processMessage` takes that path when it gets one of these).
 */
export class ArrowRecords implements Iterable<ArrowRowRecord> {
  readonly #batches: readonly RecordBatch[];
  #columnar: ArrowColumnarBatch[] | null = null;

  constructor(batches: readonly RecordBatch[]) {
    this.#batches = batches;
  }

  /** The batches column-wise (built on first use). */
  get columnar(): readonly ArrowColumnarBatch[] {
    return (this.#columnar ??= this.#batches.map((b) => new ArrowColumnarBatch(b)));
  }

  *[Symbol.iterator](): Iterator<ArrowRowRecord> {
    for (const b of this.#batches) yield* new ArrowRecordCursor(b);
  }
}

/**
 * The rows of an Arrow IPC stream (one or more record batches) as records of the JSON contract, read
 * column-wise (see `arrow-columns.ts`; no per-row Arrow proxies), or null when the bytes are not a
 * readable Arrow stream. Rows are numbered across batches.
 *
 * Columns (by name; others are ignored, a missing one means the field is absent in every row):
 * `ts` Int64 epoch ms or Timestamp (any unit) or Utf8 RFC 3339; `imsi` Utf8/Dictionary; `cell`,
 * `event` Utf8/Dictionary, nullable; `lat`, `lon`, `accuracy_m` Float64 (or any number), nullable.
 *
 * Iterating yields **one reused object**, refilled per row: consume each row before the next
 * (validation copies what it keeps).
 */
export function arrowRecords(bytes: Uint8Array): ArrowRecords | null {
  let batches: RecordBatch[];
  try {
    const reader = RecordBatchReader.from(bytes).open();
    // Bytes that are not Arrow at all may read as an empty stream: no schema means not Arrow.
    if (!reader.schema) return null;
    batches = [...reader];
  } catch {
    return null;
  }
  return new ArrowRecords(batches);
}

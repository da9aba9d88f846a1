import { tableFromIPC } from 'apache-arrow';
import type { IngestPipeline } from '../../../pipelines/ingest-pipeline.ts';

/** The Kafka `content-type` header value of a message holding an Arrow IPC stream of records. */
export const ARROW_STREAM_CONTENT_TYPE = 'application/vnd.apache.arrow.stream';

/**
 * Feeds the records of an Arrow IPC stream message into the pipeline. A message that is not a valid
 * Arrow stream is dead-lettered as malformed (through processPayload's JSON path, which rejects it).
 * PLACEHOLDER decoding row by row; the benchmark work replaces it with a column-wise decoder.
 */
export function decodeArrowMessage(bytes: Uint8Array, pipeline: IngestPipeline, source: string, position: string, input: string): void {
  let table;
  try {
    table = tableFromIPC(bytes);
  } catch {
    pipeline.processPayload('<arrow ipc: undecodable>', source, position, input);
    return;
  }
  pipeline.processRecords((function* () {
    for (const row of table) yield row?.toJSON();
  })(), source, position, input);
}

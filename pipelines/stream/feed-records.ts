import { decodeMessage } from '../../src/ingest/decode/decode-message.ts';
import type { IngestPipeline } from '../ingest-pipeline.ts';

/**
 * One message of `records` input through a partition's pipeline, on the main thread (processBatch)
 * or in a worker (`stream --workers`): decoded by its content type, each record's subscriber checked
 * against the partition (its own message key, or the producer's partitioner, when `partitionOf` is
 * given). Returns false when the message held a record of another partition's subscriber (counted in
 * `stats.strays`, not windowed): the caller poisons the partition.
 */
export function feedRecords(
  pipeline: IngestPipeline, value: Uint8Array | null, contentType: string | undefined, key: string | null,
  partition: number, partitionOf: ((imsi: string) => number) | null, source: string, position: string, input: string, now: number,
): boolean {
  const owns = partitionOf ? (imsi: string) => imsi === key || partitionOf(imsi) === partition : undefined;
  const strays = pipeline.stats.strays;
  pipeline.processMessage(decodeMessage(value, contentType), source, position, input, now, owns);
  return pipeline.stats.strays === strays;
}

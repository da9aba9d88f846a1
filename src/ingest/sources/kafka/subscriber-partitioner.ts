import { Partitioners, type PartitionMetadata } from 'kafkajs';

/**
 * The partition kafkajs' default (Java-compatible murmur2) partitioner gives a subscriber key in a
 * topic of `partitions` partitions: where `citypulse publish` sends a subscriber's records, and what
 * `stream` checks each record against (a device must live in one partition).
 *
 * @example
 * const partitionOf = subscriberPartitioner('events', 3);
 * partitionOf('222010000000001'); // 0, 1 or 2, always the same
 */
export function subscriberPartitioner(topic: string, partitions: number): (key: string) => number {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, i) => ({ partitionErrorCode: 0, partitionId: i, leader: 0, replicas: [0], isr: [0] }));
  return (key) => partitioner({ topic, partitionMetadata, message: { key, value: null } });
}

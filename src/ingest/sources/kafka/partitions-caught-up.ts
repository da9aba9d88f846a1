import type { Admin } from 'kafkajs';

/**
 * True when the whole consumer group has read every partition of `topics` that holds messages: an
 * assigned partition by this process's own `position`, any other by the group's committed offset in
 * Kafka. A partition still held by a member that died (its session not yet expired, so the group
 * has not moved the partition to a live member) is not caught up — `--exit-when-idle` waits for the
 * rebalance instead of ending the run with that partition unread.
 */
export async function groupCaughtUp(
  admin: Pick<Admin, 'fetchTopicOffsets' | 'fetchOffsets'>,
  groupId: string,
  topics: readonly string[],
  position: (topic: string, partition: number) => bigint | undefined,
): Promise<boolean> {
  for (const topic of topics) {
    const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
    const groupAt = new Map(committed[0]?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
    for (const o of ends) {
      const high = BigInt(o.high);
      if (high === BigInt(o.low)) continue; // empty partition
      const at = position(topic, o.partition) ?? groupAt.get(o.partition) ?? -1n;
      if (at < high) return false;
    }
  }
  return true;
}

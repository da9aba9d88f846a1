import type { Admin } from 'kafkajs';

/**
 * True when every listed partition that holds messages has been read to its end: `position` (the
 * next offset to read, or undefined when unknown) has reached the partition's high watermark.
 */
export async function partitionsCaughtUp(admin: Pick<Admin, 'fetchTopicOffsets'>, byTopic: ReadonlyMap<string, readonly number[]>, position: (topic: string, partition: number) => bigint | undefined): Promise<boolean> {
  for (const [topic, ps] of byTopic) {
    const offsets = await admin.fetchTopicOffsets(topic);
    for (const o of offsets) {
      if (!ps.includes(o.partition)) continue;
      const high = BigInt(o.high);
      if (high === BigInt(o.low)) continue; // empty partition
      const at = position(topic, o.partition);
      if (at === undefined || at < high) return false;
    }
  }
  return true;
}

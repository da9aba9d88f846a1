import type { Admin, ITopicConfig } from 'kafkajs';

/**
 * Creates a topic when it is missing and waits until every partition's leader serves it. Unlike
 * kafkajs' `waitForLeaders`, it also rides out the short moment in which a new topic's metadata still
 * answers "this server does not host this topic-partition" on a busy broker. Returns true when it
 * created the topic.
 */
export async function ensureTopic(admin: Admin, spec: ITopicConfig, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let created = false;
  if (!(await admin.listTopics()).includes(spec.topic)) {
    try {
      created = await admin.createTopics({ topics: [spec], waitForLeaders: false });
    } catch (err) {
      // Another process may have created it meanwhile.
      if (!/already exists/i.test((err as Error).message)) throw err;
    }
  }
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [spec.topic] });
      const parts = meta.topics[0]?.partitions ?? [];
      if (parts.length > 0 && parts.every((p) => p.leader >= 0)) {
        // Metadata can name a leader a moment before that broker serves the partition (a produce then
        // fails with NOT_LEADER, and kafkajs' idempotent retry with an out-of-order sequence):
        // ListOffsets is answered by the leader itself, so its success means the partitions are ready.
        const offsets = await admin.fetchTopicOffsets(spec.topic);
        if (offsets.length === parts.length) return created;
      }
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topic ${spec.topic} has no leader for every partition after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

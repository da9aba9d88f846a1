import { AssignerProtocol, type Admin } from 'kafkajs';

/** Session settings of the group's consumers (ms), as the stream runner configures them. */
export interface GroupSessionTimes {
  sessionTimeout: number;
  heartbeatInterval: number;
}

/**
 * End of input is only the end for partitions someone will finish. Owning every partition of the
 * topics, this process finishes them all. Owning a subset (`mine`, `topic/partition` keys), the
 * others may belong to a live peer (which finishes its own) or to a member that crashed (`kill -9`)
 * and still holds them until its session times out: then nobody would close their last windows.
 * So with a subset, three conditions:
 * - a whole session timeout has passed since this process's last assignment: a crashed member's
 *   session deadline is reset when a rebalance completes, so it has been evicted by then;
 * - the coordinator says the group is `Stable`: it starts the rebalance that evicts a crashed member
 *   at its deadline, but this process hears of it only at its next heartbeat, which a long fetch or
 *   a busy machine can delay past the margin — the group's state changes at once;
 * - some member of the group holds exactly `mine`: after a rebalance completes, the group is
 *   `Stable` a moment before this process has taken its new assignment.
 */
export async function peersSettled(
  admin: Pick<Admin, 'fetchTopicMetadata' | 'describeGroups'>,
  groupId: string,
  topics: readonly string[],
  mine: ReadonlySet<string>,
  lastAssignmentAt: number,
  now: number,
  times: GroupSessionTimes,
): Promise<boolean> {
  const meta = await admin.fetchTopicMetadata({ topics: [...topics] });
  const total = meta.topics.reduce((n, t) => n + t.partitions.length, 0);
  if (mine.size >= total) return true;
  if (now - lastAssignmentAt <= times.sessionTimeout + times.heartbeatInterval) return false;
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  if (group?.state !== 'Stable') return false;
  return group.members.some((m) => {
    const decoded = m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment) : null;
    const keys = Object.entries(decoded?.assignment ?? {}).flatMap(([t, ps]) => ps.map((p) => `${t}/${p}`));
    return keys.length === mine.size && keys.every((k) => mine.has(k));
  });
}

// End of input with a subset of the partitions: wait out a crashed member's session, and trust only
// a Stable group whose current assignment this process has taken. The admin is a plain object
// answering the two calls the function makes (no broker); member assignments are encoded with
// kafkajs's own protocol serialiser, as the coordinator returns them.
import { AssignerProtocol } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { peersSettled } from '../../src/ingest/sources/kafka/peers-settled.ts';

const times = { sessionTimeout: 30_000, heartbeatInterval: 3_000 };
const assignment = (ps: number[]) => AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { t: ps }, userData: Buffer.alloc(0) });

function admin(state: string, members: number[][]) {
  const calls = { describe: 0 };
  const a = {
    fetchTopicMetadata: async () => ({ topics: [{ name: 't', partitions: [0, 1, 2].map((partitionId) => ({ partitionId })) }] }),
    describeGroups: async () => {
      calls.describe++;
      return { groups: [{ groupId: 'g', state, protocol: 'RoundRobinAssigner', protocolType: 'consumer', errorCode: 0, members: members.map((ps, i) => ({ memberId: `m${i}`, clientId: 'c', clientHost: 'h', memberMetadata: Buffer.alloc(0), memberAssignment: assignment(ps) })) }] };
    },
  } as unknown as Parameters<typeof peersSettled>[0];
  return { a, calls };
}

const mine = (...ps: number[]) => new Set(ps.map((p) => `t/${p}`));

describe('peersSettled', () => {
  it('owning every partition: settled at once, the group not even asked', async () => {
    const { a, calls } = admin('PreparingRebalance', []);
    expect(await peersSettled(a, 'g', ['t'], mine(0, 1, 2), 1_000, 1_001, times)).toBe(true);
    expect(calls.describe).toBe(0);
  });

  it('a subset: not settled within a session timeout and a heartbeat of the last assignment', async () => {
    const { a } = admin('Stable', [[2], [0, 1]]);
    expect(await peersSettled(a, 'g', ['t'], mine(2), 0, 33_000, times)).toBe(false);
  });

  it('a subset, the time passed, the group Stable with my assignment: settled (a live peer holds the rest)', async () => {
    const { a } = admin('Stable', [[0, 1], [2]]);
    expect(await peersSettled(a, 'g', ['t'], mine(2), 0, 33_001, times)).toBe(true);
  });

  it('the crashed member was just evicted and the group is rebalancing: not settled, whatever the time', async () => {
    for (const state of ['PreparingRebalance', 'CompletingRebalance']) {
      const { a } = admin(state, [[2], [0, 1]]);
      expect(await peersSettled(a, 'g', ['t'], mine(2), 0, 60_000, times)).toBe(false);
    }
  });

  it('Stable again but with an assignment this process has not taken yet: not settled', async () => {
    const { a } = admin('Stable', [[0, 1, 2]]);
    expect(await peersSettled(a, 'g', ['t'], mine(2), 0, 60_000, times)).toBe(false);
  });
});

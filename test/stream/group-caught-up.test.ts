// End of input under --exit-when-idle: the whole group must have read every partition, judged by this
// process's own positions for its partitions and by the group's committed offsets for the others.
// The admin is a plain object answering the two calls the function makes (no broker).
import { describe, expect, it } from 'vitest';
import { groupCaughtUp } from '../../src/ingest/sources/kafka/partitions-caught-up.ts';

function admin(ends: [number, string, string][], committed: [number, string][]) {
  return {
    fetchTopicOffsets: async () => ends.map(([partition, low, high]) => ({ partition, low, high, offset: high })),
    fetchOffsets: async () => [{ topic: 't', partitions: committed.map(([partition, offset]) => ({ partition, offset, metadata: null })) }],
  } as unknown as Parameters<typeof groupCaughtUp>[0];
}

describe('groupCaughtUp', () => {
  const ends: [number, string, string][] = [[0, '0', '100'], [1, '0', '50'], [2, '7', '7']];
  const mine = (at: bigint) => (_t: string, p: number) => (p === 0 ? at : undefined);

  it('true when my partition is at its end and the group committed the others to their ends (empty ones skipped)', async () => {
    expect(await groupCaughtUp(admin(ends, [[1, '50']]), 'g', ['t'], mine(100n))).toBe(true);
  });

  it('false while my own partition is behind', async () => {
    expect(await groupCaughtUp(admin(ends, [[1, '50']]), 'g', ['t'], mine(99n))).toBe(false);
  });

  it('false while another member (perhaps a killed one whose session has not expired) holds a partition short of its end', async () => {
    expect(await groupCaughtUp(admin(ends, [[1, '49']]), 'g', ['t'], mine(100n))).toBe(false);
    expect(await groupCaughtUp(admin(ends, [[1, '-1']]), 'g', ['t'], mine(100n))).toBe(false);
    expect(await groupCaughtUp(admin(ends, []), 'g', ['t'], mine(100n))).toBe(false);
  });
});

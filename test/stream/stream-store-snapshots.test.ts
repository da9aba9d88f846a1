import { blobValue } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeState } from '../../src/core/state-codec.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { STATE_CHUNK_BYTES } from '../../src/outputs/duckdb/stream-schema.ts';
import { StreamStore, type PartitionCheckpoint } from '../../src/outputs/duckdb/stream-store.ts';
import { mulberry32 } from '../support/mulberry32.ts';

const part = (partition: number, nextOffset: string, state?: Uint8Array): PartitionCheckpoint => ({ topic: 't', partition, nextOffset, state, rows: [], dead: [], lates: [] });
const noPlugins = async () => null;

describe('stream store: snapshots in chunks', () => {
  let db: Database;
  let store: StreamStore;
  beforeEach(async () => {
    db = await openDatabase(':memory:');
    store = new StreamStore(db.connection, 'g');
    await store.init();
  });
  afterEach(() => db.close());

  const rows = async (sql: string) => (await db.connection.runAndReadAll(sql)).getRowsJS();

  it('stores a snapshot as rows of at most STATE_CHUNK_BYTES, replaces them with the next one, and reads it back', async () => {
    const r = mulberry32(3);
    // Incompressible, so the encoded snapshot spans several chunks (the last one short).
    const big = { noise: Float64Array.from({ length: 200_000 }, () => r()), note: 'zoë' };
    const bytes = encodeState(big);
    const n = Math.ceil(bytes.byteLength / STATE_CHUNK_BYTES);
    expect(n).toBeGreaterThan(3);
    await store.commit([part(0, '10', bytes), part(1, '7', encodeState({ small: [1, 2] }))], null, null, noPlugins);
    expect(await rows(`SELECT "partition", count(*)::INTEGER, max(octet_length(bytes))::INTEGER FROM stream_state_chunks GROUP BY ALL ORDER BY 1`)).toEqual([
      [0, n, STATE_CHUNK_BYTES],
      [1, 1, encodeState({ small: [1, 2] }).byteLength],
    ]);
    expect(await rows(`SELECT "partition", state IS NULL, state_chunks FROM stream_checkpoints ORDER BY 1`)).toEqual([[0, true, n], [1, true, 1]]);
    const back = await store.load('t', 0);
    expect(back).toMatchObject({ nextOffset: '10', stateOffset: '10' });
    expect(back!.state).toEqual(big);

    // A checkpoint without a snapshot keeps the chunks; the next snapshot replaces them (no rows left over).
    await store.commit([part(0, '15')], null, null, noPlugins);
    expect(await store.load('t', 0)).toEqual({ nextOffset: '15', stateOffset: '10', state: big });
    await store.commit([part(0, '20', encodeState({ after: true }))], null, null, noPlugins);
    expect(await rows(`SELECT count(*)::INTEGER FROM stream_state_chunks WHERE "partition" = 0`)).toEqual([[1]]);
    expect(await store.load('t', 0)).toEqual({ nextOffset: '20', stateOffset: '20', state: { after: true } });
    expect((await store.load('t', 1))!.state).toEqual({ small: [1, 2] });
  });

  it('rolls the chunks back with the rest of a failed checkpoint', async () => {
    await store.commit([part(0, '5', encodeState({ v: 1 }))], null, null, noPlugins);
    await expect(
      store.commit([part(0, '9', encodeState({ v: 2 }))], null, null, async () => {
        throw new Error('plugin failed');
      }),
    ).rejects.toThrow('plugin failed');
    expect(await store.load('t', 0)).toEqual({ nextOffset: '5', stateOffset: '5', state: { v: 1 } });
  });

  it('still reads a snapshot stored whole in `state` by earlier versions', async () => {
    await db.connection.run(
      `INSERT INTO stream_checkpoints (consumer_group, topic, "partition", next_offset, state, updated_at, state_offset) VALUES ('g', 't', 3, 42, $1, now(), 40)`,
      [blobValue(encodeState({ legacy: ['a'] }))],
    );
    expect(await store.load('t', 3)).toEqual({ nextOffset: '42', stateOffset: '40', state: { legacy: ['a'] } });
  });

  it('refuses a snapshot whose chunks were removed, naming the partition', async () => {
    const r = mulberry32(5);
    await store.commit([part(2, '8', encodeState(Float64Array.from({ length: 100_000 }, () => r())))], null, null, noPlugins);
    await db.connection.run(`DELETE FROM stream_state_chunks WHERE seq = 1`);
    await expect(store.load('t', 2)).rejects.toThrow(/t\[2\] \(group g\) has 2 of its 3 chunks/);
  });
});

import { mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blobValue } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeState } from '../../src/core/state-codec.ts';
import { openDatabase, type Database } from '../../src/outputs/duckdb/open.ts';
import { STATE_CHUNK_BYTES } from '../../src/outputs/duckdb/stream-schema.ts';
import { StreamStore, type PartitionCheckpoint } from '../../src/outputs/duckdb/stream-store.ts';
import { mulberry32 } from '../support/mulberry32.ts';

const part = (partition: number, nextOffset: string, state?: Uint8Array): PartitionCheckpoint => ({ topic: 't', partition, nextOffset, state, rows: [], dead: [], lates: [] });
const noPlugins = async () => null;

describe('stream store: snapshots in chunks (an in-memory database)', () => {
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
    expect(await store.load('t', 0)).toEqual({ nextOffset: '15', stateOffset: '10', state: big, deltas: [] });
    await store.commit([part(0, '20', encodeState({ after: true }))], null, null, noPlugins);
    expect(await rows(`SELECT count(*)::INTEGER FROM stream_state_chunks WHERE "partition" = 0`)).toEqual([[1]]);
    expect(await store.load('t', 0)).toEqual({ nextOffset: '20', stateOffset: '20', state: { after: true }, deltas: [] });
    expect((await store.load('t', 1))!.state).toEqual({ small: [1, 2] });
  });

  it('rolls the chunks back with the rest of a failed checkpoint', async () => {
    await store.commit([part(0, '5', encodeState({ v: 1 }))], null, null, noPlugins);
    await expect(
      store.commit([part(0, '9', encodeState({ v: 2 }))], null, null, async () => {
        throw new Error('plugin failed');
      }),
    ).rejects.toThrow('plugin failed');
    expect(await store.load('t', 0)).toEqual({ nextOffset: '5', stateOffset: '5', state: { v: 1 }, deltas: [] });
  });

  it('still reads a snapshot stored whole in `state` by earlier versions', async () => {
    await db.connection.run(
      `INSERT INTO stream_checkpoints (consumer_group, topic, "partition", next_offset, state, updated_at, state_offset) VALUES ('g', 't', 3, 42, $1, now(), 40)`,
      [blobValue(encodeState({ legacy: ['a'] }))],
    );
    expect(await store.load('t', 3)).toEqual({ nextOffset: '42', stateOffset: '40', state: { legacy: ['a'] }, deltas: [] });
  });

  it('refuses a snapshot whose chunks were removed, naming the partition', async () => {
    const r = mulberry32(5);
    await store.commit([part(2, '8', encodeState(Float64Array.from({ length: 100_000 }, () => r())))], null, null, noPlugins);
    await db.connection.run(`DELETE FROM stream_state_chunks WHERE seq = 1`);
    await expect(store.load('t', 2)).rejects.toThrow(/t\[2\] \(group g\) has 2 of its 3 chunks/);
  });
});

describe('stream store: snapshots in files beside a database file', () => {
  let dir: string;
  let path: string;
  let db: Database;
  let store: StreamStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cp-snap-'));
    path = join(dir, 'stream.duckdb');
    db = await openDatabase(path);
    store = new StreamStore(db.connection, 'g');
    await store.init();
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const rows = async (sql: string) => (await db.connection.runAndReadAll(sql)).getRowsJS();
  const files = () => readdirSync(`${path}.state`).sort();
  const reopen = async () => {
    db.close();
    db = await openDatabase(path);
    store = new StreamStore(db.connection, 'g');
    await store.init();
  };

  it('writes each snapshot to a file of F.state named by its checkpoint, none to DuckDB, and removes the file it replaces', async () => {
    const r = mulberry32(11);
    const big = { noise: Float64Array.from({ length: 200_000 }, () => r()) };
    const bytes = encodeState(big);
    await store.commit([part(0, '10', bytes), part(1, '7', encodeState({ small: [1, 2] }))], null, null, noPlugins);
    expect(store.stateDir).toBe(`${path}.state`);
    const named = (await rows(`SELECT "partition", state_file, state_bytes, state IS NULL, state_chunks FROM stream_checkpoints ORDER BY 1`)) as [number, string, bigint, boolean, null][];
    expect(named.map(([p, , size, isNull, chunks]) => [p, size, isNull, chunks])).toEqual([
      [0, BigInt(bytes.byteLength), true, null],
      [1, BigInt(encodeState({ small: [1, 2] }).byteLength), true, null],
    ]);
    expect(files()).toEqual(named.map((n) => n[1]).sort());
    expect(readFileSync(join(`${path}.state`, named[0]![1]))).toEqual(Buffer.from(bytes));
    expect(await rows(`SELECT count(*)::INTEGER FROM stream_state_chunks`)).toEqual([[0]]);
    expect((await store.load('t', 0))!.state).toEqual(big);

    // Offset only: the file stays. A new snapshot: a new file, the old one removed.
    await store.commit([part(0, '15')], null, null, noPlugins);
    expect(files()).toHaveLength(2);
    await store.commit([part(0, '20', encodeState({ after: true }))], null, null, noPlugins);
    expect(files()).toHaveLength(2);
    expect(files()).not.toContain(named[0]![1]);
    expect(files()).toContain(named[1]![1]);
    await reopen();
    expect(await store.load('t', 0)).toEqual({ nextOffset: '20', stateOffset: '20', state: { after: true }, deltas: [] });
    expect((await store.load('t', 1))!.state).toEqual({ small: [1, 2] });
  });

  it('keeps the old file and removes the new one when the checkpoint rolls back', async () => {
    await store.commit([part(0, '5', encodeState({ v: 1 }))], null, null, noPlugins);
    const before = files();
    await expect(
      store.commit([part(0, '9', encodeState({ v: 2 }))], null, null, async () => {
        throw new Error('plugin failed');
      }),
    ).rejects.toThrow('plugin failed');
    expect(files()).toEqual(before);
    expect(await store.load('t', 0)).toEqual({ nextOffset: '5', stateOffset: '5', state: { v: 1 }, deltas: [] });
  });

  it('removes at start the files a crash left unnamed (either side of a commit), and only those', async () => {
    await store.commit([part(0, '5', encodeState({ v: 1 }))], null, null, noPlugins);
    const kept = files();
    // A crash after the file was written but before the commit, and one after the commit but before
    // the old file's removal, both leave a file no checkpoint names; a foreign file is not ours.
    writeFileSync(join(`${path}.state`, 'g~t~0~9~deadbeef.cpstate'), 'new, never committed');
    writeFileSync(join(`${path}.state`, 'g~t~0~1~cafebabe.cpstate'), 'old, replaced');
    writeFileSync(join(`${path}.state`, 'README.txt'), 'not a snapshot');
    await reopen();
    expect(files()).toEqual([...kept, 'README.txt'].sort());
    expect(await store.load('t', 0)).toEqual({ nextOffset: '5', stateOffset: '5', state: { v: 1 }, deltas: [] });
  });

  it('refuses a missing or truncated snapshot file, naming it and the partition', async () => {
    await store.commit([part(2, '8', encodeState({ v: 'x'.repeat(1000) }))], null, null, noPlugins);
    const [file] = files();
    const full = join(`${path}.state`, file!);
    truncateSync(full, 10);
    await expect(store.load('t', 2)).rejects.toThrow(`the snapshot file ${full} of t[2] (group g) holds 10 bytes`);
    rmSync(full);
    await expect(store.load('t', 2)).rejects.toThrow(new RegExp(`t\\[2\\] \\(group g\\) cannot be read from .*${file!.replace(/[.~]/g, '.')} \\(ENOENT\\): a database file must be moved or copied together with its \\.state directory`));
  });

  it('still restores a snapshot an earlier version stored in stream_state_chunks, and replaces it with a file', async () => {
    const legacy = encodeState({ legacy: 'chunks' });
    await db.connection.run(`INSERT INTO stream_checkpoints (consumer_group, topic, "partition", next_offset, updated_at, state_offset, state_chunks) VALUES ('g', 't', 4, 30, now(), 30, 1)`);
    await db.connection.run(`INSERT INTO stream_state_chunks VALUES ('g', 't', 4, 0, $1)`, [blobValue(legacy)]);
    expect((await store.load('t', 4))!.state).toEqual({ legacy: 'chunks' });
    await store.commit([part(4, '31', encodeState({ now: 'file' }))], null, null, noPlugins);
    expect(await rows(`SELECT count(*)::INTEGER FROM stream_state_chunks`)).toEqual([[0]]);
    expect(await store.load('t', 4)).toEqual({ nextOffset: '31', stateOffset: '31', state: { now: 'file' }, deltas: [] });
  });
});

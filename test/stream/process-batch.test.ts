import type { KafkaMessage } from 'kafkajs';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { message, payload } from '../support/kafka-batch.ts';
import { decodeState } from '../../src/core/state-codec.ts';
import { Checkpointer } from '../../pipelines/stream/checkpointer.ts';
import { PartitionTable } from '../../pipelines/stream/partition-table.ts';
import { processBatch, type BatchContext } from '../../pipelines/stream/process-batch.ts';
import { restorePartition } from '../../pipelines/stream/restore-partition.ts';
import { resolveStreamConfig } from '../../pipelines/stream/stream-config.ts';
import { subscriberPartitioner } from '../../src/ingest/sources/kafka/subscriber-partitioner.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { StreamStore } from '../../src/outputs/duckdb/stream-store.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import type { DeviceConsumerPlugin } from '../../src/window/device-window.ts';
import type { WindowPlugin } from '../../src/outputs/window-plugin.ts';
import type { DuckDBConnection } from '@duckdb/node-api';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const CELLS = CellTable.fromCsv(`cell_id,lat,lon,site_id,azimuth_deg,range_m,valid_from,valid_to\nc1,45.4642,9.1900,s1,0,800,,\n`, 9);
const partitionOf = subscriberPartitioner('t', 2);
// Two subscribers of partition 0 and one of partition 1 (by the producer's partitioner).
const imsis = Array.from({ length: 40 }, (_, i) => `2220100000000${String(i).padStart(2, '0')}`);
const [own0, own0b] = imsis.filter((s) => partitionOf(s) === 0);
const other = imsis.find((s) => partitionOf(s) === 1)!;
const rec = (imsi: string, m: number) => ({ ts: T0 + m * M, imsi, cell: 'c1', event: 'tau' });

/** A stateless device consumer whose outputs land in a table: one row per device and closed window. */
const seenPlugin: DeviceConsumerPlugin<{ device: string; s: number; n: number }, DuckDBConnection> = {
  name: 'seen',
  create: () => ({ name: 'seen', onWindow: (s, _e, devices) => devices.map((d) => ({ device: d.device, s, n: d.events.length })), snapshot: () => null, restore: () => {} }),
  init: async (conn) => void (await conn.run(`CREATE TABLE IF NOT EXISTS seen (device VARCHAR, s BIGINT, n INTEGER)`)),
  store: async (conn, rows) => {
    for (const r of rows) await conn.run(`INSERT INTO seen VALUES ($1, $2, $3)`, [r.device, r.s, r.n]);
  },
};

/** A partition's input over three hours: two devices, a malformed message now and then, a late record now and then. */
function longInput(): KafkaMessage[] {
  const out: KafkaMessage[] = [];
  for (let m = 0; m < 180; m++) {
    const off = out.length;
    if (m % 37 === 5) out.push({ ...message(off, null), value: Buffer.from('{not json') } as KafkaMessage);
    else if (m % 29 === 7) out.push(message(off, rec(own0b!, m - 25))); // behind the watermark: late
    else out.push(message(off, [rec(own0!, m), ...(m % 3 === 0 ? [rec(own0b!, m)] : [])]));
  }
  return out;
}

async function snapshotOf(db: { connection: DuckDBConnection }): Promise<Record<string, unknown[]>> {
  const q = async (sql: string) => (await db.connection.runAndReadAll(sql)).getRowsJS().map((r) => r.map(String).join('|'));
  return {
    partials: await q(`SELECT * EXCLUDE (topic) FROM presence_partials ORDER BY ALL`),
    presence: await q(`SELECT * FROM presence ORDER BY ALL`),
    dead: await q(`SELECT source, position, reason FROM dead_letters ORDER BY ALL`),
    late: await q(`SELECT count(*) FROM late_events`),
    seen: await q(`SELECT * FROM seen ORDER BY ALL`),
  };
}

async function setup(opts: { db?: Awaited<ReturnType<typeof openDatabase>>; snapshotIntervalMs?: number; catchUpCheckpointMs?: number; deviceConsumers?: DeviceConsumerPlugin<unknown, DuckDBConnection>[]; plugins?: WindowPlugin[] } = {}) {
  const db = opts.db ?? (await openDatabase(':memory:'));
  const deviceConsumers = opts.deviceConsumers ?? [];
  const cfg = resolveStreamConfig({ brokers: [], topics: ['t'], groupId: 'g', cells: CELLS, pseudonymiser: new Pseudonymiser({ key: new Uint8Array(32).fill(2) }), connection: db.connection, deadLetterTopic: null, windowMs: 15 * M, latenessMs: 0, now: () => T0 + 86_400_000, deviceConsumers, ...(opts.catchUpCheckpointMs !== undefined ? { catchUpCheckpointMs: opts.catchUpCheckpointMs } : {}) });
  const store = new StreamStore(db.connection, 'g');
  await store.init();
  for (const d of deviceConsumers) await d.init?.(db.connection);
  const table = new PartitionTable((topic, p) => restorePartition(cfg, store, null, topic, p));
  table.assign(new Set(['t/0']));
  const fatal: Error[] = [];
  const meta = await store.meta();
  const checkpointer = new Checkpointer({ store, table, connection: db.connection, plugins: opts.plugins ?? [], deviceConsumers, clock: cfg.clock, partitionIdleMs: 30_000, publishedUntil: meta.publishedUntil, snapshotIntervalMs: opts.snapshotIntervalMs ?? 0 });
  const ctx: BatchContext = { cfg, table, checkpointer, consumer: () => ({}) as never, partitionerOf: async () => partitionOf, activity: { lastMessageAt: 0 }, fatal: (e) => fatal.push(e) };
  return { db, ctx, table, fatal, checkpointer };
}

describe('processBatch (no broker)', () => {
  it('windows owned records, skips what the checkpoint holds, and checkpoints closed windows', async () => {
    const { db, ctx, table, fatal } = await setup();
    try {
      const msgs = [message(0, rec(own0!, 1)), message(1, [rec(own0!, 3), rec(own0b!, 4)]), message(2, rec(own0b!, 20))];
      await processBatch(payload(msgs), ctx);
      const st = table.get('t/0')!;
      expect(fatal).toEqual([]);
      expect(st.nextOffset).toBe(3n);
      expect(st.pipeline.stats).toMatchObject({ payloads: 3, records: 4, accepted: 4, strays: 0 });
      // The window [0, 15) closed at the event of minute 20: checkpointed right away.
      expect(ctx.checkpointer.count).toBe(1);
      const rows = (await db.connection.runAndReadAll(`SELECT present, events FROM presence_partials`)).getRowsJS();
      expect(rows).toEqual([[2, 3]]);
      // A redelivery of the same messages changes nothing.
      await processBatch(payload(msgs), ctx);
      expect(st.pipeline.stats.records).toBe(4);
    } finally {
      db.close();
    }
  });

  it('on a backlog a closed window waits for the catch-up spacing; caught up, it is checkpointed at once; the rows are the same', async () => {
    const first = [message(0, rec(own0!, 1)), message(1, [rec(own0!, 3), rec(own0b!, 4)]), message(2, rec(own0b!, 20))];
    const second = [message(3, rec(own0!, 36))];
    const run = async (catchUpCheckpointMs: number) => {
      const { db, ctx } = await setup({ catchUpCheckpointMs });
      try {
        // The log already holds 1,000 messages: the partition is catching up. The window [0, 15) closes.
        await processBatch(payload(first, '1000'), ctx);
        const afterFirst = ctx.checkpointer.count;
        // The last message of the log: caught up. The window [15, 30) closes too.
        await processBatch(payload(second), ctx);
        const rows = (await db.connection.runAndReadAll(`SELECT window_start, present, events FROM presence_partials ORDER BY 1`)).getRowsJS().map((r) => r.map(Number));
        return { afterFirst, afterSecond: ctx.checkpointer.count, rows };
      } finally {
        db.close();
      }
    };
    // A spacing of 60 s (the default is 1 s; 60 s keeps a slow machine from reaching it between the
    // checkpointer's start and the first batch): deferred, then one checkpoint holding both windows.
    const spaced = await run(60_000);
    expect(spaced).toMatchObject({ afterFirst: 0, afterSecond: 1 });
    // 0 s: a checkpoint after every batch that closed a window, as before.
    const every = await run(0);
    expect(every).toMatchObject({ afterFirst: 1, afterSecond: 2 });
    expect(spaced.rows).toEqual(every.rows);
    expect(spaced.rows.map((r) => r[0])).toEqual([T0, T0 + 15 * M]);
  });

  it('a record of another partition’s subscriber poisons the partition and stops the run; its message is never stored', async () => {
    const { db, ctx, table, fatal, checkpointer } = await setup();
    try {
      // keyed by its own subscriber: accepted even though the default partitioner would send it elsewhere
      await processBatch(payload([message(0, rec(own0!, 1)), message(1, rec(other, 2), other)]), ctx);
      expect(fatal).toEqual([]);
      await checkpointer.checkpoint();
      await processBatch(payload([message(2, [rec(own0!, 3), rec(other, 4)]), message(3, rec(own0!, 30))]), ctx);
      const st = table.get('t/0')!;
      expect(fatal).toHaveLength(1);
      expect(fatal[0]!.message).toMatch(/topic t mixes subscribers across partitions: message 0@2 .*--repartition/);
      expect(fatal[0]!.message).not.toContain(other); // never a raw IMSI in an error
      expect(st.poisoned).toBe(true);
      expect(st.nextOffset).toBe(2n);
      await checkpointer.checkpoint();
      const stored = (await db.connection.runAndReadAll(`SELECT next_offset FROM stream_checkpoints`)).getRowsJS();
      expect(stored).toEqual([[2n]]);
      expect(table.dirty()).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('between snapshots a crash restores the last snapshot and replays to the stored offset: nothing lost, nothing stored twice', async () => {
    const input = longInput();
    // Reference: one uninterrupted run, a snapshot with every checkpoint (the default while cheap).
    const ref = await setup({ deviceConsumers: [seenPlugin as DeviceConsumerPlugin<unknown, DuckDBConnection>] });
    const crashed = await openDatabase(':memory:');
    try {
      const feed = async (s: Awaited<ReturnType<typeof setup>>, from: number, to: number, size: number) => {
        for (let i = from; i < to; i += size) {
          await processBatch(payload(input.slice(i, Math.min(to, i + size))), s.ctx);
          await s.checkpointer.checkpoint();
        }
      };
      const end = async (s: Awaited<ReturnType<typeof setup>>) => {
        const st = s.table.get('t/0')!;
        st.pipeline.finish();
        st.dirty = true;
        await s.checkpointer.checkpoint(true);
      };
      await feed(ref, 0, input.length, 10);
      await end(ref);
      const want = await snapshotOf(ref.db);
      expect(want.partials.length).toBeGreaterThan(5);
      expect(want.dead.length).toBeGreaterThan(2);
      expect(Number(want.late[0])).toBeGreaterThan(2);
      expect(want.seen.length).toBeGreaterThan(10);

      // Snapshots at most once an hour: only the first checkpoint of each process writes one.
      const opts = { db: crashed, snapshotIntervalMs: 3_600_000, deviceConsumers: [seenPlugin as DeviceConsumerPlugin<unknown, DuckDBConnection>] };
      const a = await setup(opts);
      await feed(a, 0, 97, 7);
      const first = (await crashed.connection.runAndReadAll(`SELECT next_offset, state_offset FROM stream_checkpoints`)).getRowsJS();
      expect(first).toEqual([[97n, 7n]]);
      // One more batch: it closes a window, so processBatch checkpoints it at once (no snapshot).
      await processBatch(payload(input.slice(97, 110)), a.ctx);
      await a.checkpointer.settled();
      expect((await crashed.connection.runAndReadAll(`SELECT next_offset, state_offset FROM stream_checkpoints`)).getRowsJS()).toEqual([[110n, 7n]]);
      // "kill -9" with a batch read but not checkpointed: a's memory is gone.
      await processBatch(payload(input.slice(110, 113)), a.ctx);
      const b = await setup(opts);
      const st = await b.table.ensure('t', 0);
      expect(st.nextOffset).toBe(7n);
      expect(st.replayUntil).toBe(110n);
      // Different batch boundaries on the way back, across the stored offset.
      await feed(b, 7, input.length, 11);
      expect(st.replayUntil).toBe(-1n);
      await end(b);
      expect(await snapshotOf(crashed)).toEqual(want);
    } finally {
      ref.db.close();
      crashed.close();
    }
  });

  it('batches read while a checkpoint commits (the runner asks for one every 5 s, whatever a batch is doing) store exactly what a checkpoint after every batch stores', async () => {
    const input = longInput();
    const end = async (s: Awaited<ReturnType<typeof setup>>) => {
      await s.checkpointer.settled();
      const st = s.table.get('t/0')!;
      st.pipeline.finish();
      st.dirty = true;
      await s.checkpointer.checkpoint(true);
    };
    // Reference: every batch checkpointed before the next is read.
    const ref = await setup({ deviceConsumers: [seenPlugin as DeviceConsumerPlugin<unknown, DuckDBConnection>] });
    // Overlapped: a window plugin whose flush (inside every checkpoint's transaction) takes its time,
    // so batches are read while a commit is running (counted: the partition, clean since the
    // checkpoint took its results, is dirty again).
    let overlapped = 0;
    const slow: WindowPlugin = {
      name: 'slow',
      onWindowsClosed: () => {},
      flush: async () => {
        await new Promise((r) => setTimeout(r, 15));
        if (over.table.get('t/0')?.dirty) overlapped++;
      },
    };
    const over = await setup({ deviceConsumers: [seenPlugin as DeviceConsumerPlugin<unknown, DuckDBConnection>], plugins: [slow] });
    try {
      for (let i = 0; i < input.length; i += 10) {
        await processBatch(payload(input.slice(i, i + 10)), ref.ctx);
        await ref.checkpointer.settled();
        await ref.checkpointer.checkpoint();
      }
      await end(ref);
      const part = await over.table.ensure('t', 0);
      for (let i = 0; i < input.length; i += 10) {
        // As the runner's supervision loop does: a checkpoint asked for and not waited for; it takes
        // what is there when it starts, and the batch is read while it commits.
        part.dirty = true;
        void over.checkpointer.schedule();
        await processBatch(payload(input.slice(i, i + 10)), over.ctx);
      }
      // Whatever was read during a commit is still to be checkpointed: the next checkpoint stores it.
      await over.checkpointer.settled();
      await over.checkpointer.checkpoint();
      expect((await over.db.connection.runAndReadAll(`SELECT next_offset FROM stream_checkpoints`)).getRowsJS()).toEqual([[BigInt(input.length)]]);
      await end(over);
      expect(overlapped).toBeGreaterThan(3);
      expect(over.fatal).toEqual([]);
      const want = await snapshotOf(ref.db);
      expect(want.partials.length).toBeGreaterThan(5);
      expect(want.seen.length).toBeGreaterThan(10);
      expect(await snapshotOf(over.db)).toEqual(want);
      const offsets = async (db: typeof ref.db) => (await db.connection.runAndReadAll(`SELECT next_offset FROM stream_checkpoints`)).getRowsJS();
      expect(await offsets(over.db)).toEqual([[BigInt(input.length)]]);
      expect(over.table.dirty()).toEqual([]);
    } finally {
      ref.db.close();
      over.db.close();
    }
  });

  it('snapshot files of a database on disk hold pseudonyms only: no raw IMSI or MSIN in them, decoded or not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp-snap-privacy-'));
    const db = await openDatabase(join(dir, 'stream.duckdb'));
    try {
      const s = await setup({ db, deviceConsumers: [seenPlugin as DeviceConsumerPlugin<unknown, DuckDBConnection>] });
      const input = longInput();
      for (let i = 0; i < input.length; i += 13) {
        await processBatch(payload(input.slice(i, i + 13)), s.ctx);
        await s.checkpointer.checkpoint();
      }
      const stateDir = join(dir, 'stream.duckdb.state');
      // The partition's snapshot and the incremental ones after it: every file is scanned.
      const files = readdirSync(stateDir);
      expect(files.filter((f) => !f.includes('~delta~'))).toHaveLength(1);
      expect(files.filter((f) => f.includes('~delta~')).length).toBeGreaterThan(0);
      const raws = files.map((f) => readFileSync(join(stateDir, f)));
      const decoded = JSON.stringify(raws.map((r) => decodeState(r)), (_k, v) => (typeof v === 'bigint' ? v.toString() : ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v));
      // The devices are there (so the scan looks at real state), under their pseudonyms.
      const seen = (await db.connection.runAndReadAll(`SELECT DISTINCT device FROM seen`)).getRowsJS().map((r) => r[0] as string);
      expect(seen).toHaveLength(2);
      for (const d of seen) expect(decoded).toContain(d);
      for (const id of [own0!, own0b!]) {
        for (const needle of [id, id.slice(-10)]) {
          expect(decoded.includes(needle), `${needle} in the decoded snapshot`).toBe(false);
          for (const raw of raws) expect(raw.includes(Buffer.from(needle)), `${needle} in a snapshot file`).toBe(false);
        }
      }
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

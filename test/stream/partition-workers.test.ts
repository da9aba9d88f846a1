// `stream --workers N` without a broker: kafkajs batches fed to processBatch by hand, the partition's
// pipeline in a real worker thread. What it stores must be what the main-thread pipeline stores —
// across checkpoints taken while batches are in flight, a crash between snapshots, and poison.
import type { KafkaMessage } from 'kafkajs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { message, payload } from '../support/kafka-batch.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Checkpointer } from '../../pipelines/stream/checkpointer.ts';
import { PartitionTable } from '../../pipelines/stream/partition-table.ts';
import { PartitionWorkers } from '../../pipelines/stream/partition-workers.ts';
import { isLocal } from '../../pipelines/stream/partition-state.ts';
import { applyReport, processBatch, type BatchContext } from '../../pipelines/stream/process-batch.ts';
import { restorePartition } from '../../pipelines/stream/restore-partition.ts';
import { STREAM_DEFAULTS, resolveStreamConfig } from '../../pipelines/stream/stream-config.ts';
import { subscriberPartitioner } from '../../src/ingest/sources/kafka/subscriber-partitioner.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { StreamStore } from '../../src/outputs/duckdb/stream-store.ts';
import type { WindowPlugin } from '../../src/outputs/window-plugin.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { DEFAULT_WINDOW_CONFIG } from '../../src/window/window-config.ts';
import type { DeadLetterMessage } from '../../src/ingest/sources/kafka/dead-letter-message.ts';
import type { PipelineSnapshot } from '../../pipelines/ingest-pipeline.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const CSV = `cell_id,lat,lon,site_id,azimuth_deg,range_m,valid_from,valid_to\nc1,45.4642,9.1900,s1,0,800,,\nc2,45.4800,9.2100,s2,90,800,,\n`;
const CELLS = CellTable.fromCsv(CSV, 9);
const KEY = new Uint8Array(32).fill(2);
const dir = mkdtempSync(join(tmpdir(), 'citypulse-partition-workers-'));
const cellsPath = join(dir, 'cells.csv');
writeFileSync(cellsPath, CSV);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const partitionOf = subscriberPartitioner('t', 2);
const imsis = Array.from({ length: 60 }, (_, i) => `2220100000000${String(i).padStart(2, '0')}`);
const mine = imsis.filter((s) => partitionOf(s) === 0).slice(0, 6);
const other = imsis.find((s) => partitionOf(s) === 1)!;

/** Three hours of six devices moving between two cells, a malformed message and a late record now and then. */
function input(): KafkaMessage[] {
  const out: KafkaMessage[] = [];
  for (let m = 0; m < 180; m++) {
    const off = out.length;
    if (m % 37 === 5) out.push(message(off, '{not json'));
    else if (m % 29 === 7) out.push(message(off, { ts: T0 + (m - 25) * M, imsi: mine[1], cell: 'c1', event: 'tau' }));
    else out.push(message(off, mine.filter((_, i) => (m + i) % 3 !== 0).map((imsi, i) => ({ ts: T0 + m * M, imsi, cell: (m >> 4) % 2 === i % 2 ? 'c1' : 'c2', event: 'tau' }))));
  }
  return out;
}

async function stored(conn: DuckDBConnection): Promise<Record<string, string[]>> {
  const q = async (sql: string) => (await conn.runAndReadAll(sql)).getRowsJS().map((r) => r.map(String).join('|'));
  return {
    partials: await q(`SELECT * EXCLUDE (topic) FROM presence_partials ORDER BY ALL`),
    presence: await q(`SELECT * FROM presence ORDER BY ALL`),
    dead: await q(`SELECT source, position, reason FROM dead_letters ORDER BY ALL`),
    late: await q(`SELECT count(*) FROM late_events`),
  };
}

/** A stream runner's parts for partition t/0, its pipeline on this thread or (`workers`) in a worker thread. */
async function setup(opts: { workers: boolean; db?: Awaited<ReturnType<typeof openDatabase>>; snapshotIntervalMs?: number; plugins?: WindowPlugin[]; deadLetters?: boolean }) {
  const db = opts.db ?? (await openDatabase(':memory:'));
  const window = { windowMs: 15 * M, latenessMs: 0, presenceTimeoutMs: DEFAULT_WINDOW_CONFIG.presenceTimeoutMs };
  const cfg = resolveStreamConfig({
    brokers: [], topics: ['t'], groupId: 'g', cells: CELLS, pseudonymiser: new Pseudonymiser({ key: KEY }), connection: db.connection, deadLetterTopic: opts.deadLetters ? 't-dlq' : null, ...window, now: () => T0 + 86_400_000,
    ...(opts.workers ? { workers: { count: 1, cellsPath, window: { ...window, resolution: 9 }, consumers: null, pseudonym: { key: KEY } } } : {}),
  });
  const store = new StreamStore(db.connection, 'g');
  await store.init();
  const fatal: Error[] = [];
  const workers = cfg.workers ? new PartitionWorkers({ ...cfg.workers, deadLetters: cfg.deadLetterTopic !== null, devicePassDelayMs: STREAM_DEFAULTS.devicePassDelayMs }, (r) => applyReport(r, ctx), (e) => fatal.push(e)) : null;
  const table = new PartitionTable((topic, p) => (workers ? restorePartition(cfg, store, null, topic, p, { workers, partitions: 2 }) : restorePartition(cfg, store, null, topic, p)));
  table.assign(new Set(['t/0']));
  const meta = await store.meta();
  // The dead-letter topic, as a producer that takes its time (the checkpoint awaits it before its transaction).
  const sentToDlq: string[] = [];
  const effects = { sendDeadLetters: async (m: DeadLetterMessage[]) => void (await new Promise((r) => setTimeout(r, 3)), sentToDlq.push(...m.map((x) => `${x.headers['citypulse.offset']}:${x.headers['citypulse.reason']}:${x.value?.toString()}`))) };
  const checkpointer = new Checkpointer({ store, table, connection: db.connection, plugins: opts.plugins ?? [], deviceConsumers: [], clock: cfg.clock, partitionIdleMs: 30_000, publishedUntil: meta.publishedUntil, snapshotIntervalMs: opts.snapshotIntervalMs ?? 0, workers, effects });
  const ctx: BatchContext = { cfg, table, checkpointer, consumer: () => ({}) as never, partitionerOf: async () => partitionOf, activity: { lastMessageAt: 0 }, fatal: (e) => fatal.push(e), workers };
  /** End of input, as runStream does it: every batch back, every window closed, a final checkpoint. */
  const end = async () => {
    await checkpointer.settled();
    await workers?.drain();
    const st = table.get('t/0')!;
    if (isLocal(st)) st.pipeline.finish();
    else await workers!.finish('t/0', cfg.clock.now());
    st.dirty = true;
    await checkpointer.checkpoint(true);
  };
  const close = async () => {
    await workers?.close();
    if (!opts.db) db.close();
  };
  /** The last checkpoint's snapshot holds the state after exactly the messages before its offset (every message counts one payload). */
  const snapshotAgrees = async () => {
    const c = await store.load('t', 0);
    return !c?.state || (c.state as PipelineSnapshot).stats.payloads === Number(c.stateOffset);
  };
  return { db, ctx, table, fatal, checkpointer, workers, end, close, sentToDlq, snapshotAgrees };
}

describe('stream --workers: a partition’s pipeline in a worker thread (no broker)', () => {
  it('stores what the main-thread pipeline stores, with checkpoints taken while batches are in flight', async () => {
    const msgs = input();
    const ref = await setup({ workers: false, deadLetters: true });
    // Checkpoints whose transaction takes its time, asked for after every batch without waiting:
    // batches go to the worker and come back while checkpoints collect snapshots and commit.
    const slow: WindowPlugin = { name: 'slow', onWindowsClosed: () => {}, flush: () => new Promise((r) => setTimeout(r, 5)) };
    const w = await setup({ workers: true, plugins: [slow], deadLetters: true });
    try {
      for (let i = 0; i < msgs.length; i += 9) await processBatch(payload(msgs.slice(i, i + 9), '1000'), ref.ctx);
      await ref.end();
      let inFlight = 0;
      let disagreed = 0;
      for (let i = 0; i < msgs.length; i += 9) {
        await processBatch(payload(msgs.slice(i, i + 9), '1000'), w.ctx);
        if (w.table.get('t/0')!.nextOffset < BigInt(Math.min(i + 9, msgs.length))) inFlight++;
        void w.checkpointer.schedule();
        if (i % 45 === 0) {
          await w.checkpointer.settled();
          if (!(await w.snapshotAgrees())) disagreed++;
        }
      }
      await w.end();
      expect(w.fatal).toEqual([]);
      // The batches really were answered after processBatch returned.
      expect(inFlight).toBeGreaterThan(0);
      // Each snapshot was taken at its checkpoint's offset, whatever came back while the checkpoint
      // waited on the dead-letter topic; and the topic got the same poison messages.
      expect(disagreed).toBe(0);
      expect(ref.sentToDlq.length).toBeGreaterThan(2);
      expect(w.sentToDlq.sort()).toEqual(ref.sentToDlq.sort());
      const want = await stored(ref.db.connection);
      expect(want.partials.length).toBeGreaterThan(10);
      expect(want.dead.length).toBeGreaterThan(2);
      expect(Number(want.late[0])).toBeGreaterThan(2);
      expect(await stored(w.db.connection)).toEqual(want);
      expect(w.checkpointer.count).toBeGreaterThanOrEqual(3);
    } finally {
      await ref.close();
      await w.close();
    }
  }, 60_000);

  it('a crash between snapshots restores the last one in a fresh worker and replays to the stored offset: nothing lost, nothing twice', async () => {
    const msgs = input();
    const ref = await setup({ workers: false });
    const crashed = await openDatabase(':memory:');
    try {
      for (let i = 0; i < msgs.length; i += 10) await processBatch(payload(msgs.slice(i, i + 10)), ref.ctx);
      await ref.end();
      const want = await stored(ref.db.connection);

      const opts = { workers: true, db: crashed, snapshotIntervalMs: 3_600_000 };
      const a = await setup(opts);
      for (let i = 0; i < 110; i += 7) {
        await processBatch(payload(msgs.slice(i, Math.min(110, i + 7))), a.ctx);
        await a.workers!.drain();
        await a.checkpointer.checkpoint();
      }
      expect((await crashed.connection.runAndReadAll(`SELECT next_offset, state_offset FROM stream_checkpoints`)).getRowsJS()).toEqual([[110n, 7n]]);
      // "kill -9" with a batch sent to the worker and not checkpointed.
      await processBatch(payload(msgs.slice(110, 113)), a.ctx);
      await a.close();
      const b = await setup(opts);
      const st = await b.table.ensure('t', 0);
      expect(st.nextOffset).toBe(7n);
      expect(st.replayUntil).toBe(110n);
      for (let i = 7; i < msgs.length; i += 11) {
        await processBatch(payload(msgs.slice(i, i + 11)), b.ctx);
        await b.workers!.drain();
        await b.checkpointer.checkpoint();
      }
      expect(b.table.get('t/0')!.replayUntil).toBe(-1n);
      await b.end();
      expect(b.fatal).toEqual([]);
      expect(await stored(crashed.connection)).toEqual(want);
      await b.close();
    } finally {
      await ref.close();
      crashed.close();
    }
  }, 60_000);

  it('a record of another partition’s subscriber stops the run with the main thread’s error; nothing of its message is stored', async () => {
    const w = await setup({ workers: true });
    try {
      await processBatch(payload([message(0, { ts: T0 + M, imsi: mine[0], cell: 'c1', event: 'tau' }), message(1, { ts: T0 + 2 * M, imsi: other, cell: 'c1', event: 'tau' }, other)]), w.ctx);
      await w.workers!.drain();
      await w.checkpointer.checkpoint();
      await processBatch(payload([message(2, [{ ts: T0 + 3 * M, imsi: mine[0], cell: 'c1', event: 'tau' }, { ts: T0 + 4 * M, imsi: other, cell: 'c1', event: 'tau' }]), message(3, { ts: T0 + 30 * M, imsi: mine[0], cell: 'c1', event: 'tau' })]), w.ctx);
      await w.workers!.drain();
      expect(w.fatal).toHaveLength(1);
      expect(w.fatal[0]!.message).toMatch(/topic t mixes subscribers across partitions: message 0@2 .*--repartition/);
      expect(w.fatal[0]!.message).not.toContain(other);
      const st = w.table.get('t/0')!;
      expect(st.poisoned).toBe(true);
      expect(st.nextOffset).toBe(2n);
      await w.checkpointer.checkpoint();
      expect((await w.db.connection.runAndReadAll(`SELECT next_offset FROM stream_checkpoints`)).getRowsJS()).toEqual([[2n]]);
    } finally {
      await w.close();
    }
  }, 60_000);
});

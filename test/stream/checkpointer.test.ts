import type { DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { IngestPipeline } from '../../pipelines/ingest-pipeline.ts';
import { Checkpointer, type CheckpointEffects, type CheckpointerConfig, type ChangelogEntry } from '../../pipelines/stream/checkpointer.ts';
import { PartitionTable } from '../../pipelines/stream/partition-table.ts';
import type { RemotePipeline } from '../../pipelines/stream/partition-workers.ts';
import { restorePartition } from '../../pipelines/stream/restore-partition.ts';
import { resolveStreamConfig } from '../../pipelines/stream/stream-config.ts';
import type { Clock } from '../../src/core/clock.ts';
import { CitypulseError } from '../../src/core/citypulse-error.ts';
import { decodeText } from '../../src/ingest/decode/decode-message.ts';
import type { DeadLetterMessage } from '../../src/ingest/sources/kafka/dead-letter-message.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { StreamStore } from '../../src/outputs/duckdb/stream-store.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import type { DeviceConsumerPlugin } from '../../src/window/device-window.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';
import type { WindowPlugin } from '../../src/outputs/window-plugin.ts';
import { MemorySink } from '../support/memory-sink.ts';
import { PRESENCE_CHECK_DIFF_SQL, presenceCheckPlugin } from '../support/presence-check-consumer.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const CELLS = CellTable.fromCsv(`cell_id,lat,lon,site_id,azimuth_deg,range_m,valid_from,valid_to\nc1,45.4642,9.1900,s1,0,800,,\nc2,45.4780,9.2270,s2,120,800,,\n`, 9);
const KEY = new Uint8Array(32).fill(5);

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000): Clock & { t: number } {
  return { t: start, now() { return this.t; }, sleep: async () => {} };
}

/** Records of devices d0..d5, partition = device index % 2, one event every minute for 90 minutes. */
function events(): { p: number; line: string; ts: number }[] {
  const out: { p: number; line: string; ts: number }[] = [];
  for (let m = 0; m < 90; m++) {
    const d = m % 6;
    out.push({ p: d % 2, ts: T0 + m * M, line: JSON.stringify({ ts: T0 + m * M, imsi: `22201000000000${d}`, cell: m % 4 < 2 ? 'c1' : 'c2', event: m % 9 === 0 ? 'detach' : 'tau' }) });
  }
  out.splice(20, 0, { p: 0, ts: 0, line: '{"ts": 17' });
  return out;
}

async function setup(deviceConsumers: readonly DeviceConsumerPlugin<unknown, DuckDBConnection>[] = [presenceCheckPlugin]) {
  const db = await openDatabase(':memory:');
  const clock = manualClock();
  const cfg = resolveStreamConfig({ brokers: [], topics: ['t'], groupId: 'g', cells: CELLS, pseudonymiser: new Pseudonymiser({ key: KEY }), connection: db.connection, clock, now: () => T0 + 86_400_000, windowMs: 15 * M, latenessMs: 0, deviceConsumers });
  const store = new StreamStore(db.connection, 'g');
  await store.init();
  for (const d of deviceConsumers) await d.init?.(db.connection);
  const effects = { dead: [] as DeadLetterMessage[], offsets: [] as { partition: number; offset: string }[][], states: [] as ChangelogEntry[][] };
  const fx: CheckpointEffects = {
    sendDeadLetters: async (m) => void effects.dead.push(...m),
    commitOffsets: async (o) => void effects.offsets.push(o.map(({ partition, offset }) => ({ partition, offset }))),
    publishStates: async (e) => void effects.states.push(e),
  };
  const open = async (publishedUntil: number | null, onFatal?: (e: Error) => void, log?: (m: string) => void, extra: Partial<CheckpointerConfig> = {}) => {
    const table = new PartitionTable((topic, partition) => restorePartition(cfg, store, null, topic, partition));
    table.assign(new Set(['t/0', 't/1']));
    const parts = [await table.ensure('t', 0), await table.ensure('t', 1)];
    const cp = new Checkpointer({ store, table, connection: db.connection, plugins: [], deviceConsumers, clock, partitionIdleMs: 30_000, publishedUntil, effects: fx, ...(onFatal ? { onFatal } : {}), ...(log ? { log } : {}), ...extra });
    return { table, parts, cp };
  };
  const feed = (parts: Awaited<ReturnType<typeof open>>['parts'], evs: ReturnType<typeof events>, from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const e = evs[i]!;
      const st = parts[e.p]!;
      if (BigInt(i) < st.nextOffset) continue;
      const before = st.buffer.dead.length;
      st.pipeline.processMessage(decodeText(e.line), 't', `${e.p}@${i}`, `t/${e.p}`, clock.now());
      if (st.buffer.dead.length > before) st.dlq.push({ key: null, value: Buffer.from(e.line), headers: { 'citypulse.offset': String(i) } });
      // Offsets here are the event index (each partition skips the other's): enough for the store.
      st.nextOffset = BigInt(i) + 1n;
      st.dirty = true;
      st.lastMessageAt = clock.now();
      st.pipeline.advance(clock.now());
    }
  };
  const q = async (sql: string) => (await db.connection.runAndReadAll(sql)).getRowsJS();
  return { db, clock, store, effects, open, feed, q };
}

/** The same events through one pipeline per partition, without checkpoints: what the tables must hold. */
function reference(evs: ReturnType<typeof events>): Map<string, number> {
  const present = new Map<string, number>();
  for (const p of [0, 1]) {
    const sink = new MemorySink();
    const pl = new IngestPipeline({ cells: CELLS, pseudonymiser: new Pseudonymiser({ key: KEY }), sink, now: () => T0 + 86_400_000, windowMs: 15 * M, latenessMs: 0 });
    evs.forEach((e, i) => e.p === p && (pl.processPayload(e.line, 't', `${p}@${i}`), pl.advance()));
    pl.finish();
    for (const r of sink.rows as PresenceRow[]) present.set(`${r.windowStart}/${r.h3}`, (present.get(`${r.windowStart}/${r.h3}`) ?? 0) + r.present);
  }
  return present;
}

/** End of input: every partition's pipeline finishes, and a final checkpoint stores it all. */
async function finishAll(run: { parts: { pipeline: IngestPipeline | RemotePipeline; dirty: boolean }[]; cp: Checkpointer }): Promise<void> {
  for (const p of run.parts) {
    (p.pipeline as IngestPipeline).finish();
    p.dirty = true;
  }
  await run.cp.checkpoint(true);
}

/** The stored presence equals one uninterrupted run's ({@link reference}). */
async function expectReference(q: (sql: string) => Promise<unknown[][]>, evs: ReturnType<typeof events>): Promise<void> {
  const got = new Map((await q(`SELECT epoch_ms(window_start)::VARCHAR || '/' || printf('%x', h3), present FROM presence WHERE present > 0`)).map(([k, v]) => [String(k), Number(v)]));
  expect(got).toEqual(new Map([...reference(evs)].filter(([, v]) => v > 0)));
}

describe('Checkpointer (real DuckDB, no broker)', () => {
  it('commits results, offsets, state and device outputs together; a restore continues to the tables of one uninterrupted run', async () => {
    const { db, effects, open, feed, q } = await setup();
    try {
      const evs = events();
      const a = await open(null);
      feed(a.parts, evs, 0, 50);
      await a.cp.checkpoint();
      // offsets and state of both partitions stored; the poison message went out before the commit
      // (offsets are event indexes here: partition 1's last event before 50 is 48)
      expect(await q(`SELECT "partition", next_offset FROM stream_checkpoints ORDER BY 1`)).toEqual([[0, 50n], [1, 49n]]);
      expect(effects.dead.map((m) => m.headers['citypulse.offset'])).toEqual(['20']);
      expect(effects.offsets.at(-1)).toEqual([{ partition: 0, offset: '50' }, { partition: 1, offset: '49' }]);
      expect(effects.states.at(-1)!.map((e) => [e.partition, e.nextOffset])).toEqual([[0, '50'], [1, '49']]);
      // published: windows closed in both partitions (the frontier is their minimum)
      const closed = Math.min(...a.parts.map((p) => p.pipeline.stats.closedUntil!));
      expect(a.cp.publishedUntil).toBe(closed);
      expect(await q(`SELECT count(*) FROM presence WHERE epoch_ms(window_end) > ${closed}`)).toEqual([[0n]]);
      expect(Number((await q(`SELECT count(*) FROM presence`))[0]![0])).toBeGreaterThan(0);
      // The partition's in-memory work after the checkpoint is lost (a crash): a new table restores.
      feed(a.parts, evs, 50, 70);
      const b = await open(a.cp.publishedUntil);
      expect(b.parts.map((p) => p.nextOffset)).toEqual([50n, 49n]);
      feed(b.parts, evs, 50, evs.length);
      await finishAll(b);
      await expectReference(q, evs);
      // the device consumer's outputs (and its state, in the snapshot) are exactly-once too
      expect(await q(PRESENCE_CHECK_DIFF_SQL)).toEqual([]);
      expect(await q(`SELECT count(*) FROM stream_checkpoints`)).toEqual([[2n]]);
    } finally {
      db.close();
    }
  });

  it('a failing device store rolls the whole checkpoint back; transient → postponed, otherwise fatal', async () => {
    let fail: Error | null = new CitypulseError('broker away', { retriable: true });
    const flaky: DeviceConsumerPlugin<unknown, DuckDBConnection> = {
      ...presenceCheckPlugin,
      async store(conn, rows) {
        if (fail) throw fail;
        await presenceCheckPlugin.store!(conn, rows as Parameters<NonNullable<typeof presenceCheckPlugin.store>>[1]);
      },
    };
    const { db, open, feed, q } = await setup([flaky]);
    try {
      const evs = events();
      const fatal: Error[] = [];
      const logs: string[] = [];
      const a = await open(null, (e) => fatal.push(e), (m) => logs.push(m));
      feed(a.parts, evs, 0, 60);
      await a.cp.schedule();
      expect(logs.join('\n')).toMatch(/checkpoint postponed: broker away/);
      expect(fatal).toEqual([]);
      expect(await q(`SELECT count(*) FROM stream_checkpoints`)).toEqual([[0n]]);
      expect(await q(`SELECT count(*) FROM presence_partials`)).toEqual([[0n]]);
      fail = new Error('disk full');
      await a.cp.schedule();
      expect(fatal.map((e) => e.message)).toEqual(['disk full']);
      expect(await q(`SELECT count(*) FROM stream_checkpoints`)).toEqual([[0n]]);
      // The rows drained by the failed attempts were put back: once the store works, nothing is missing.
      fail = null;
      feed(a.parts, evs, 60, evs.length);
      await finishAll(a);
      expect(await q(PRESENCE_CHECK_DIFF_SQL)).toEqual([]);
      await expectReference(q, evs);
    } finally {
      db.close();
    }
  });
});

describe('Checkpointer: incremental snapshots (real DuckDB, no broker)', () => {
  const counts = async (q: (sql: string) => Promise<unknown[][]>) => Number((await q(`SELECT count(*) FROM stream_state_deltas`))[0]![0]);

  it('between device passes stores deltas, not the whole state; a restore applies them to the same state, and the run ends as one uninterrupted run', async () => {
    const { db, open, feed, q, effects } = await setup();
    try {
      const evs = events();
      const a = await open(null);
      // A checkpoint every 3 messages; a window (15 min = 15 messages) closes, and its device pass runs,
      // about every 15 (latenessMs 0, the watermark follows each event).
      const seen: number[] = [];
      let i = 0;
      for (; i < 57; i += 3) {
        feed(a.parts, evs, i, i + 3);
        await a.cp.checkpoint();
        seen.push(await counts(q));
      }
      // Deltas pile up between passes, and a pass makes the next snapshot whole (they are deleted).
      expect(Math.max(...seen)).toBeGreaterThanOrEqual(4);
      expect(seen.slice(1).some((n, k) => n < seen[k]!)).toBe(true);
      // The changelog carries whole snapshots only: a delta checkpoint sends the offset alone.
      expect(effects.states.flat().some((e) => e.state === undefined)).toBe(true);
      const held = await counts(q);
      expect(held).toBeGreaterThan(0);
      const logs: string[] = [];
      const b = await open(a.cp.publishedUntil, undefined, (m) => logs.push(m));
      // Restored from the snapshot and its deltas: exactly the state the first run had at its last checkpoint.
      for (const k of [0, 1]) expect(b.parts[k]!.pipeline.snapshot()).toEqual(a.parts[k]!.pipeline.snapshot());
      feed(b.parts, evs, i, evs.length);
      await finishAll(b);
      await expectReference(q, evs);
      expect(await q(PRESENCE_CHECK_DIFF_SQL)).toEqual([]);
      // The final checkpoint wrote whole snapshots: no delta left.
      expect(await counts(q)).toBe(0);
    } finally {
      db.close();
    }
  });

  it('after a checkpoint that rolled back, the next snapshot is whole (the changes it took were not stored)', async () => {
    let fail = false;
    // A window plugin writes inside every checkpoint's transaction: failing there rolls it all back.
    const flaky: WindowPlugin = {
      name: 'flaky',
      onWindowsClosed: () => undefined,
      async flush() {
        if (fail) throw new CitypulseError('broker away', { retriable: true });
      },
    };
    const { db, open, feed, q } = await setup();
    try {
      const evs = events();
      const logs: string[] = [];
      const a = await open(null, undefined, (m) => logs.push(m), { plugins: [flaky] });
      // Checkpoints every 2 messages until deltas are stored.
      let i = 0;
      for (; i < 40 && (i === 0 || (await counts(q)) === 0); i += 2) {
        feed(a.parts, evs, i, i + 2);
        await a.cp.checkpoint();
      }
      const before = await counts(q);
      expect(before).toBeGreaterThan(0);
      fail = true;
      feed(a.parts, evs, i, i + 2);
      await a.cp.schedule();
      expect(logs.join('\n')).toMatch(/checkpoint postponed: broker away/);
      expect(await counts(q)).toBe(before);
      fail = false;
      feed(a.parts, evs, i + 2, i + 3);
      await a.cp.checkpoint();
      // Whole snapshots replaced the chain of every partition that lost a delta.
      expect(await counts(q)).toBe(0);
      const b = await open(a.cp.publishedUntil);
      for (const k of [0, 1]) expect(b.parts[k]!.pipeline.snapshot()).toEqual(a.parts[k]!.pipeline.snapshot());
    } finally {
      db.close();
    }
  });

  it('with incremental off, every snapshot is whole', async () => {
    const { db, open, feed, q } = await setup();
    try {
      const evs = events();
      const a = await open(null, undefined, undefined, { incremental: false });
      for (let i = 0; i < 60; i += 3) {
        feed(a.parts, evs, i, i + 3);
        await a.cp.checkpoint();
        expect(await counts(q)).toBe(0);
      }
    } finally {
      db.close();
    }
  });
});

describe('PartitionTable', () => {
  it('restores a partition once when asked twice at once, and never keeps a partition revoked while restoring', async () => {
    let restores = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const table = new PartitionTable(async (topic, partition) => {
      restores++;
      await gate;
      return { topic, partition, pipeline: { stats: { closedUntil: null } } as never, buffer: { size: 0 } as never, nextOffset: -1n, replayUntil: -1n, snapshotAt: null, lastMessageAt: 0, dirty: false, dlq: [], soughtTo: null, poisoned: false };
    });
    table.assign(new Set(['t/0', 't/1']));
    const [a, b] = [table.ensure('t', 0), table.ensure('t', 0)];
    const c = table.ensure('t', 1);
    expect(table.assign(new Set(['t/0']))).toEqual(['t/1']);
    release();
    expect(await a).toBe(await b);
    await c;
    expect(restores).toBe(2);
    expect(table.get('t/0')).toBe(await a);
    expect(table.get('t/1')).toBeUndefined();
    // idle: silent for the idle time — since its last message, or since its assignment while not restored
    table.assign(new Set(['t/0', 't/2']), 3);
    expect(table.frontierInputs(4, 5)).toEqual([{ closedUntil: null, idle: false }, { closedUntil: null, idle: false }]);
    expect(table.frontierInputs(8, 5)).toEqual([{ closedUntil: null, idle: true }, { closedUntil: null, idle: true }]);
    (await a).lastMessageAt = 6;
    expect(table.frontierInputs(8, 5)).toEqual([{ closedUntil: null, idle: false }, { closedUntil: null, idle: true }]);
    (await a).dirty = true;
    expect(table.dirty()).toHaveLength(1);
    (await a).poisoned = true;
    expect(table.dirty()).toHaveLength(0);
  });
});

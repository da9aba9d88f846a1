import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
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

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const CELLS = CellTable.fromCsv(`cell_id,lat,lon,site_id,azimuth_deg,range_m,valid_from,valid_to\nc1,45.4642,9.1900,s1,0,800,,\n`, 9);
const partitionOf = subscriberPartitioner('t', 2);
// Two subscribers of partition 0 and one of partition 1 (by the producer's partitioner).
const imsis = Array.from({ length: 40 }, (_, i) => `2220100000000${String(i).padStart(2, '0')}`);
const [own0, own0b] = imsis.filter((s) => partitionOf(s) === 0);
const other = imsis.find((s) => partitionOf(s) === 1)!;
const rec = (imsi: string, m: number) => ({ ts: T0 + m * M, imsi, cell: 'c1', event: 'tau' });

function message(offset: number, value: unknown, key: string | null = null): KafkaMessage {
  return { offset: String(offset), key: key === null ? null : Buffer.from(key), value: Buffer.from(JSON.stringify(value)), timestamp: '0', attributes: 0, headers: {} } as KafkaMessage;
}

function payload(messages: KafkaMessage[]): EachBatchPayload {
  return {
    batch: { topic: 't', partition: 0, messages, lastOffset: () => messages.at(-1)!.offset },
    heartbeat: async () => {},
    isRunning: () => true,
    isStale: () => false,
  } as unknown as EachBatchPayload;
}

async function setup() {
  const db = await openDatabase(':memory:');
  const cfg = resolveStreamConfig({ brokers: [], topics: ['t'], groupId: 'g', cells: CELLS, pseudonymiser: new Pseudonymiser({ key: new Uint8Array(32).fill(2) }), connection: db.connection, deadLetterTopic: null, windowMs: 15 * M, latenessMs: 0, now: () => T0 + 86_400_000 });
  const store = new StreamStore(db.connection, 'g');
  await store.init();
  const table = new PartitionTable((topic, p) => restorePartition(cfg, store, null, topic, p));
  table.assign(new Set(['t/0']));
  const fatal: Error[] = [];
  const checkpointer = new Checkpointer({ store, table, connection: db.connection, plugins: [], deviceConsumers: [], clock: cfg.clock, partitionIdleMs: 30_000, publishedUntil: null });
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
      const rows = (await db.connection.runAndReadAll(`SELECT present, events FROM presence_partials`)).getRowsJS();
      expect(rows).toEqual([[2, 3]]);
      // A redelivery of the same messages changes nothing.
      await processBatch(payload(msgs), ctx);
      expect(st.pipeline.stats.records).toBe(4);
    } finally {
      db.close();
    }
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
});

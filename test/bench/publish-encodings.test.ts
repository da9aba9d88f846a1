// Correctness of `publish --encoding ndjson|json-array|arrow --records-per-message N`: the messages
// carry every record once, keep each device in one partition, and a stream pipeline per partition
// ends with the same presence and dead letters whatever the encoding. No timings here.
import { describe, expect, it } from 'vitest';
import { IngestPipeline } from '../../pipelines/ingest-pipeline.ts';
import { ARROW_STREAM_CONTENT_TYPE, arrowRecords } from '../../src/ingest/decode/arrow-message.ts';
import { decodeMessage } from '../../src/ingest/decode/decode-message.ts';
import { MessageBatcher, PUBLISH_ENCODINGS, type OutMessage, type PublishEncoding } from '../../src/ingest/encode/message-batcher.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { Simulation } from '../../src/sim/index.ts';
import type { PresenceRow } from '../../src/core/presence-row.ts';
import { MemorySink } from '../support/memory-sink.ts';

const PARTITIONS = 3;
const sim = new Simulation({ seed: 11, subscribers: 300, days: 1, badRate: 0.01 });
const lines = [...sim.lines()];
const cells = CellTable.fromVersions(sim.city.cells, 9);
/** Any stable hash will do for the test; publish uses the producer's murmur2 partitioner. */
const partitionOf = (key: string) => {
  let h = 7;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(h) % PARTITIONS;
};

function publish(encoding: PublishEncoding, recordsPerMessage?: number): OutMessage[] {
  const b = new MessageBatcher({ encoding, partitions: PARTITIONS, partitionOf, ...(recordsPerMessage ? { recordsPerMessage } : {}) });
  const out: OutMessage[] = [];
  for (const l of lines) out.push(...b.push(l));
  out.push(...b.end());
  return out;
}

/** Where a message lands: its explicit partition, else its key's, else round-robin. */
function partitionOfMessage(m: OutMessage, i: number): number {
  return m.partition ?? (m.key !== null ? partitionOf(m.key) : i % PARTITIONS);
}

/** The records a message carries, as JSON values. */
function recordsOf(m: OutMessage): unknown[] {
  if (m.headers?.['content-type'] === ARROW_STREAM_CONTENT_TYPE) {
    return Array.from(arrowRecords(m.value as Buffer)!, (r) => JSON.parse(JSON.stringify(r)));
  }
  try {
    const v: unknown = JSON.parse(String(m.value));
    return Array.isArray(v) ? v : [v];
  } catch {
    return [String(m.value)];
  }
}

/** Runs each partition's messages through its own pipeline, as `citypulse stream` does. */
function consume(messages: OutMessage[]) {
  const byPartition = new Map<number, OutMessage[]>();
  messages.forEach((m, i) => {
    const p = partitionOfMessage(m, i);
    byPartition.set(p, [...(byPartition.get(p) ?? []), m]);
  });
  const presence = new Map<string, PresenceRow>();
  const dead = new Map<string, number>();
  let records = 0;
  for (const [p, ms] of byPartition) {
    const sink = new MemorySink();
    const pipe = new IngestPipeline({ cells, pseudonymiser: new Pseudonymiser({ key: new Uint8Array(32).fill(1) }), sink, now: () => Date.UTC(2026, 2, 4) });
    ms.forEach((m, i) => {
      if (m.headers?.['content-type'] === ARROW_STREAM_CONTENT_TYPE) pipe.processMessage(decodeMessage(m.value as Buffer, ARROW_STREAM_CONTENT_TYPE), 't', `${p}@${i}`, `t/${p}`);
      else pipe.processPayload(String(m.value), 't', `${p}@${i}`, `t/${p}`);
      pipe.advance();
    });
    pipe.finish();
    records += pipe.stats.records;
    for (const r of sink.rows) {
      const k = `${r.windowStart}/${r.h3}`;
      const have = presence.get(k);
      presence.set(k, have ? { ...have, present: have.present + r.present, active: have.active + r.active, events: have.events + r.events } : r);
    }
    for (const d of sink.dead) dead.set(d.reason, (dead.get(d.reason) ?? 0) + 1);
  }
  return { presence, dead: Object.fromEntries([...dead].sort()), records };
}

describe('publish encodings', () => {
  it('the input has bad lines and array lines (so the cases below mean something)', () => {
    expect(sim.stats.badLines).toBeGreaterThan(10);
    expect(sim.stats.arrayLines).toBeGreaterThan(10);
  });

  for (const encoding of PUBLISH_ENCODINGS) {
    const per = encoding === 'ndjson' ? undefined : 500;
    it(`${encoding}: every record once, each device in one partition, in order`, () => {
      const messages = publish(encoding, per);
      const total = messages.reduce((a, m) => a + m.records, 0);
      const carried = messages.flatMap((m, i) => recordsOf(m).map((r) => ({ r, p: partitionOfMessage(m, i) })));
      expect(carried.length).toBe(total);
      const expected = lines.flatMap((l) => {
        try {
          const v: unknown = JSON.parse(l);
          return Array.isArray(v) ? v : [v];
        } catch {
          return [l];
        }
      });
      expect(carried.length).toBe(expected.length);
      const home = new Map<string, number>();
      const tsByDevice = new Map<string, unknown[]>();
      for (const { r, p } of carried) {
        const imsi = (r as { imsi?: unknown } | null)?.imsi;
        if (typeof imsi !== 'string' || imsi === '') continue;
        expect(home.get(imsi) ?? p, `device ${imsi}`).toBe(p);
        home.set(imsi, p);
        tsByDevice.set(imsi, [...(tsByDevice.get(imsi) ?? []), (r as { ts?: unknown }).ts]);
      }
      if (encoding !== 'ndjson') {
        expect(Math.max(...messages.map((m) => m.records))).toBeLessThanOrEqual(per!);
        expect(messages.length).toBeLessThan(expected.length / 50);
      }
      // a device's records keep their file order (Arrow turns RFC 3339 times into ms)
      const firstDevice = [...tsByDevice.keys()][0]!;
      const inFile = expected.filter((r) => (r as { imsi?: unknown } | null)?.imsi === firstDevice).map((r) => (r as { ts: unknown }).ts);
      const norm = (t: unknown) => (typeof t === 'string' ? Date.parse(t) : t);
      expect(tsByDevice.get(firstDevice)!.map(norm)).toEqual(inFile.map(norm));
    });
  }

  it('every encoding yields the same presence and dead letters downstream', () => {
    const base = consume(publish('ndjson'));
    expect(base.presence.size).toBeGreaterThan(100);
    for (const [encoding, per] of [['json-array', 200], ['arrow', 200], ['arrow', 5000]] as const) {
      const got = consume(publish(encoding, per));
      expect(got.records, encoding).toBe(base.records);
      expect(got.dead, encoding).toEqual(base.dead);
      expect([...got.presence.values()].sort(byKey), `${encoding} × ${per}`).toEqual([...base.presence.values()].sort(byKey));
    }
  });

  it('refuses to batch ndjson and bad record counts', () => {
    expect(() => new MessageBatcher({ encoding: 'ndjson', recordsPerMessage: 10, partitions: 1, partitionOf })).toThrow(/json-array or arrow/);
    expect(() => new MessageBatcher({ encoding: 'arrow', recordsPerMessage: 0, partitions: 1, partitionOf })).toThrow(/positive integer/);
  });

  it('keeps batched messages under the byte limit', () => {
    const b = new MessageBatcher({ encoding: 'json-array', recordsPerMessage: 1_000_000, partitions: 1, partitionOf: () => 0, maxMessageBytes: 20_000 });
    const out = [...lines.slice(0, 5000).flatMap((l) => b.push(l)), ...b.end()];
    for (const m of out) expect(m.value.length).toBeLessThanOrEqual(20_000);
  });
});

function byKey(a: PresenceRow, b: PresenceRow): number {
  return a.windowStart - b.windowStart || (a.h3 < b.h3 ? -1 : a.h3 > b.h3 ? 1 : 0);
}

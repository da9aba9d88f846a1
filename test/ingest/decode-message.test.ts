import { describe, expect, it } from 'vitest';
import { IngestPipeline } from '../../pipelines/ingest-pipeline.ts';
import { ARROW_STREAM_CONTENT_TYPE } from '../../src/ingest/decode/arrow-message.ts';
import { UNDECODABLE_ARROW_PAYLOAD, decodeMessage, decodeText } from '../../src/ingest/decode/decode-message.ts';
import { encodeArrowBatch } from '../../src/ingest/encode/arrow-batch.ts';
import { toArrowRow } from '../../src/ingest/encode/arrow-row.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { MemorySink } from '../support/memory-sink.ts';

const T = Date.UTC(2026, 2, 2, 8, 0);
const CELLS = `cell_id,lat,lon,site_id,azimuth_deg,range_m,valid_from,valid_to\nc1,45.4642,9.1900,s1,0,800,,\n`;
const rec = (imsi: string, m = 0) => ({ ts: T + m * 60_000, imsi, cell: 'c1', event: 'tau' });
const bytes = (s: string) => new TextEncoder().encode(s);

describe('decodeMessage: the one decoder of stream and repartition', () => {
  it('one JSON record keeps its text (the dead-letter payload)', () => {
    const text = JSON.stringify(rec('222010000000001'));
    expect(decodeMessage(bytes(text), undefined)).toEqual({ kind: 'one', record: rec('222010000000001'), raw: text });
  });
  it('a JSON array gives its records', () => {
    const d = decodeMessage(bytes(JSON.stringify([rec('a'), rec('b')])), 'application/json');
    expect(d.kind).toBe('many');
    expect([...(d as { records: Iterable<unknown> }).records]).toEqual([rec('a'), rec('b')]);
  });
  it('text that does not parse is unreadable, with the parser message', () => {
    const d = decodeMessage(bytes('{"ts": 17'), undefined);
    expect(d.kind).toBe('unreadable');
    expect(d).toMatchObject({ payload: '{"ts": 17' });
    expect((d as { detail: string }).detail).toMatch(/JSON/);
    expect(decodeText('')).toMatchObject({ kind: 'unreadable', payload: '' });
    expect(decodeMessage(null, undefined)).toMatchObject({ kind: 'unreadable', payload: '' });
  });
  it('an Arrow message gives its rows as records of the JSON contract', () => {
    const rows = [rec('222010000000001'), rec('222010000000002', 1)].map((r) => toArrowRow(r)!);
    const d = decodeMessage(encodeArrowBatch(rows), ARROW_STREAM_CONTENT_TYPE);
    expect(d.kind).toBe('many');
    const got = Array.from((d as { records: Iterable<unknown> }).records, (r) => JSON.parse(JSON.stringify(r)) as { imsi: string });
    expect(got.map((r) => r.imsi)).toEqual(['222010000000001', '222010000000002']);
  });
  it('an undecodable Arrow message: one unreadable with a fixed payload and detail', () => {
    expect(decodeMessage(new Uint8Array([0xff, 0xff, 0xff, 0xff, 9, 9, 9]), ARROW_STREAM_CONTENT_TYPE)).toEqual({
      kind: 'unreadable',
      payload: UNDECODABLE_ARROW_PAYLOAD,
      detail: 'not an Apache Arrow IPC stream',
    });
  });
});

describe('IngestPipeline.processMessage', () => {
  const make = () => {
    const sink = new MemorySink();
    const p = new IngestPipeline({ cells: CellTable.fromCsv(CELLS, 9), pseudonymiser: new Pseudonymiser({ key: new Uint8Array(32).fill(7) }), sink, now: () => T });
    return { sink, p };
  };
  it('an unreadable message becomes one malformed_json dead letter with the decoder detail', () => {
    const { sink, p } = make();
    p.processMessage(decodeMessage(new Uint8Array([1, 2, 3]), ARROW_STREAM_CONTENT_TYPE), 't', '0@4', 't/0');
    expect(sink.dead.map((d) => [d.reason, d.position, d.detail])).toEqual([['malformed_json', '0@4', 'not an Apache Arrow IPC stream']]);
    expect(p.stats).toMatchObject({ payloads: 1, records: 1 });
  });
  it('with an ownership check, records of other partitions are strays: counted, never windowed', () => {
    const { sink, p } = make();
    const msg = decodeText(JSON.stringify([rec('222010000000001'), rec('222010000000002'), rec('222010000000001', 1)]));
    p.processMessage(msg, 't', '0@0', 't/0', 0, (imsi) => imsi.endsWith('1'));
    p.finish();
    expect(p.stats).toMatchObject({ payloads: 1, records: 2, accepted: 2, strays: 1 });
    expect(sink.rows.reduce((a, r) => a + r.events, 0)).toBe(2);
  });
});

// Correctness of the Arrow record-batch codec (no timings here: benchmarks live in bench/).
import {
  Dictionary,
  Field,
  Float64,
  Int32,
  Int64,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  TimestampMicrosecond,
  Utf8,
  makeData,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { IngestPipeline } from '../../pipelines/ingest-pipeline.ts';
import { ARROW_STREAM_CONTENT_TYPE, arrowRecords } from '../../src/ingest/decode/arrow-message.ts';
import { decodeMessage } from '../../src/ingest/decode/decode-message.ts';
import { ArrowRecordCursor } from '../../src/ingest/decode/arrow-record-cursor.ts';
import { encodeArrowBatch } from '../../src/ingest/encode/arrow-batch.ts';
import { toArrowRow } from '../../src/ingest/encode/arrow-row.ts';
import { CellTable } from '../../src/locate/cell-table.ts';
import { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import { MemorySink } from '../support/memory-sink.ts';

const M = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0);
const NOW = Date.UTC(2026, 2, 3);
const CELLS = `cell_id,lat,lon,site_id,azimuth_deg,range_m,valid_from,valid_to
c1,45.4642,9.1900,s1,0,800,,
c2,45.4780,9.2270,s2,120,800,2026-03-01T00:00:00Z,2026-03-02T08:30:00Z
c2,45.4400,9.1600,s3,120,800,2026-03-02T08:30:00Z,
`;

/** Every row of an Arrow message, copied out of the cursor's reused object. */
function rowsOf(bytes: Uint8Array): Record<string, unknown>[] {
  const rows = arrowRecords(bytes);
  if (rows === null) throw new Error('undecodable');
  return Array.from(rows, (r) => JSON.parse(JSON.stringify(r)));
}

function pipeline() {
  const sink = new MemorySink();
  const p = new IngestPipeline({
    cells: CellTable.fromCsv(CELLS, 9),
    pseudonymiser: new Pseudonymiser({ key: new Uint8Array(32).fill(7) }),
    sink,
    now: () => NOW,
  });
  return { sink, p };
}

describe('Arrow codec: encodeArrowBatch → arrowRecords', () => {
  it('round-trips signalling and location records, absent fields staying absent', () => {
    const records = [
      { ts: T0, imsi: '222010000000001', cell: 'c1', event: 'tau' },
      { ts: T0 + 1, imsi: '222010000000002', lat: 45.4642, lon: 9.19, accuracy_m: 12.5 },
      { ts: T0 + 2, imsi: '222010000000001', lat: -1.5, lon: 170 },
      { ts: T0 + 3, imsi: 'ünïcødé-imsi', cell: 'c2', event: 'handover' },
      { ts: T0 + 4, imsi: '222010000000003', cell: 'c1' },
    ];
    for (const dictionaryImsi of [false, true]) {
      const bytes = encodeArrowBatch(records.map((r) => toArrowRow(r)!), { dictionaryImsi });
      expect(rowsOf(bytes)).toEqual(records);
    }
  });

  it('turns an RFC 3339 ts into the same epoch ms the JSON path reads', () => {
    const row = toArrowRow({ ts: '2026-03-02T08:00:00.250+01:00', imsi: 'x', cell: 'c1', event: 'tau' })!;
    expect(row.ts).toBe(Date.parse('2026-03-02T08:00:00.250+01:00'));
    expect(rowsOf(encodeArrowBatch([row]))[0]!.ts).toBe(row.ts);
  });

  it('refuses records a row cannot carry without changing their fate', () => {
    const bad = [
      42,
      null,
      [1],
      { ts: 1.5, imsi: 'x', cell: 'c1', event: 'tau' },
      { ts: 'yesterday', imsi: 'x', cell: 'c1', event: 'tau' },
      { ts: true, imsi: 'x', cell: 'c1', event: 'tau' },
      { ts: T0, imsi: 222010000000001, cell: 'c1', event: 'tau' },
      { ts: T0, imsi: 'x', cell: null, event: 'tau' },
      { ts: T0, imsi: 'x', cell: 7, event: 'tau' },
      { ts: T0, imsi: 'x', lat: null, lon: 9 },
      { ts: T0, imsi: 'x', lat: '45', lon: 9 },
      { ts: T0, imsi: 'x', lat: 45, lon: 9, accuracy_m: null },
    ];
    for (const r of bad) expect(toArrowRow(r), JSON.stringify(r)).toBeNull();
    // null means absent for these, so they travel (and are judged missing, as in JSON)
    expect(toArrowRow({ ts: null, imsi: null, cell: 'c1', event: null })).toMatchObject({ ts: null, imsi: null, event: null });
  });

  it('reads batches built elsewhere: Int64 ts, plain Utf8, dictionaries, nulls, several batches', () => {
    const ts = [T0, T0 + 1, T0 + 2];
    const b1 = batchOf({
      ts: vectorFromArray(ts.map(BigInt), new Int64()),
      imsi: vectorFromArray(['a', 'b', 'c'], new Utf8()),
      cell: vectorFromArray(['c1', null, 'c2'], new Dictionary(new Utf8(), new Int32())),
      event: vectorFromArray(['tau', null, 'call'], new Utf8()),
      lat: vectorFromArray([null, 45.1, null], new Float64()),
      lon: vectorFromArray([null, 9.2, null], new Float64()),
      extra: vectorFromArray([1, 2, 3], new Int32()),
    });
    const b2 = batchOf({
      ts: vectorFromArray([T0 + 10], new TimestampMicrosecond()), // Arrow JS builders take ms and store µs
      imsi: vectorFromArray(['d'], new Utf8()),
      cell: vectorFromArray(['c1'], new Utf8()),
      event: vectorFromArray(['sms'], new Utf8()),
    });
    const expected = [
      { ts: T0, imsi: 'a', cell: 'c1', event: 'tau' },
      { ts: T0 + 1, imsi: 'b', lat: 45.1, lon: 9.2 },
      { ts: T0 + 2, imsi: 'c', cell: 'c2', event: 'call' },
    ];
    expect(rowsOf(RecordBatchStreamWriter.writeAll([b1]).toUint8Array(true))).toEqual(expected);
    expect(rowsOf(RecordBatchStreamWriter.writeAll([b1, b1]).toUint8Array(true))).toEqual([...expected, ...expected]);
    expect(rowsOf(RecordBatchStreamWriter.writeAll([b2]).toUint8Array(true))).toEqual([{ ts: T0 + 10, imsi: 'd', cell: 'c1', event: 'sms' }]);
  });

  it('reads a sliced batch (column data with a non-zero offset) correctly', () => {
    const full = batchOf({
      ts: vectorFromArray([T0, T0 + 1, T0 + 2, T0 + 3].map(BigInt), new Int64()),
      imsi: vectorFromArray(['a', null, 'c', 'd'], new Utf8()),
      cell: vectorFromArray(['c1', 'c2', null, 'c1'], new Dictionary(new Utf8(), new Int32())),
    });
    const sliced = full.slice(1, 4);
    const expected = [
      { ts: T0 + 1, cell: 'c2' },
      { ts: T0 + 2, imsi: 'c' },
      { ts: T0 + 3, imsi: 'd', cell: 'c1' },
    ];
    // in memory (the column data keeps the slice offset) and after a trip through the IPC writer
    expect(Array.from(new ArrowRecordCursor(sliced), (r) => JSON.parse(JSON.stringify(r)))).toEqual(expected);
    expect(rowsOf(RecordBatchStreamWriter.writeAll([sliced]).toUint8Array(true))).toEqual(expected);
  });

  it('yields nothing from an empty batch and null from bytes that are not Arrow', () => {
    expect(rowsOf(encodeArrowBatch([]))).toEqual([]);
    expect(arrowRecords(new TextEncoder().encode('{"ts":1}'))).toBeNull();
  });
});

describe('Arrow messages through the pipeline judge records exactly as JSON lines', () => {
  const lines = [
    `{"ts":${T0},"imsi":"222010000000001","cell":"c1","event":"attach"}`,
    `{"ts":${T0 + 5 * M},"imsi":"222010000000001","cell":"c2","event":"handover"}`,
    `{"ts":${T0 + 7 * M},"imsi":"222010000000002","lat":45.47,"lon":9.2,"accuracy_m":30}`,
    `{"ts":"${new Date(T0 + 40 * M).toISOString()}","imsi":"222010000000002","cell":"c2","event":"tau"}`,
    `{"ts":${T0 + 41 * M},"imsi":"222010000000001","cell":"c1","event":"detach"}`,
    // bad records a row can carry: their reasons must match
    `{"ts":${T0},"imsi":"222010000000001","event":"tau"}`,
    `{"ts":${T0},"cell":"c1","event":"tau"}`,
    `{"imsi":"222010000000001","cell":"c1","event":"tau"}`,
    `{"ts":${T0},"imsi":"222010000000001","cell":"c1"}`,
    `{"ts":${T0},"imsi":"222010000000001","lat":45.4}`,
    `{"ts":${T0},"imsi":"","cell":"c1","event":"tau"}`,
    `{"ts":${T0},"imsi":"222010000000001","cell":"","event":"tau"}`,
    `{"ts":${T0},"imsi":"222010000000001","lat":45.4,"lon":9.1,"accuracy_m":-3}`,
    `{"ts":${T0},"imsi":"222010000000001","lat":95,"lon":9.1}`,
    `{"ts":"1999-12-31T23:59:59Z","imsi":"222010000000001","cell":"c1","event":"tau"}`,
    `{"ts":${NOW + 25 * 60 * M},"imsi":"222010000000001","cell":"c1","event":"tau"}`,
    `{"ts":${T0},"imsi":"222010000000001","cell":"nope","event":"tau"}`,
    `{"ts":"2025-06-01T00:00:00Z","imsi":"222010000000001","cell":"c2","event":"tau"}`,
  ];

  it('gives the same presence rows and dead-letter reasons', () => {
    const json = pipeline();
    lines.forEach((l, i) => json.p.processPayload(l, 't', `line ${i + 1}`));
    json.p.finish();

    const arrow = pipeline();
    const rows = lines.map((l) => toArrowRow(JSON.parse(l)));
    expect(rows.every((r) => r !== null)).toBe(true);
    arrow.p.processMessage(decodeMessage(encodeArrowBatch(rows.map((r) => r!)), ARROW_STREAM_CONTENT_TYPE), 't', '0@0', 't/0');
    arrow.p.finish();

    expect(arrow.sink.rows).toEqual(json.sink.rows);
    expect(arrow.sink.dead.map((d) => [d.reason, d.detail])).toEqual(json.sink.dead.map((d) => [d.reason, d.detail]));
    expect(arrow.p.stats.records).toBe(lines.length);
    expect(arrow.sink.dead.map((d) => d.position).slice(0, 2)).toEqual(['0@0[5]', '0@0[6]']);
  });

  it('dead-letters an undecodable message once', () => {
    const { sink, p } = pipeline();
    p.processMessage(decodeMessage(new Uint8Array([0xff, 0xff, 0xff, 0xff, 9, 9, 9]), ARROW_STREAM_CONTENT_TYPE), 't', '0@7', 't/0');
    expect(sink.dead.map((d) => [d.reason, d.position, d.detail, d.payload])).toEqual([['malformed_json', '0@7', 'not an Apache Arrow IPC stream', '<arrow ipc: undecodable>']]);
  });
});

function batchOf(columns: Record<string, Vector>): RecordBatch {
  const names = Object.keys(columns);
  const fields = names.map((n) => new Field(n, columns[n]!.type, true));
  const length = columns[names[0]!]!.length;
  return new RecordBatch(new Schema(fields), makeData({ type: new Struct(fields), length, nullCount: 0, children: names.map((n) => columns[n]!.data[0]!) }));
}

import {
  Dictionary,
  Field,
  Float64,
  Int32,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  TimestampMillisecond,
  Utf8,
  makeData,
  makeVector,
  type Data,
  type DataType,
} from 'apache-arrow';
import type { ArrowRow } from './arrow-row.ts';

/** Options of {@link encodeArrowBatch}. */
export interface ArrowBatchConfig {
  /**
   * Dictionary-encode `imsi` too (worth it when a batch holds many events per device). `cell` and
   * `event` are always dictionary-encoded. Default false.
   */
  dictionaryImsi?: boolean;
}

const TWO_32 = 4294967296;
const utf8 = new TextEncoder();

/**
 * Encodes rows as an Arrow IPC stream holding one record batch, the message format `citypulse stream`
 * reads with the header `content-type: application/vnd.apache.arrow.stream`:
 * `ts` Timestamp(ms, UTC), `imsi` Utf8 (or Dictionary), `cell` and `event` Dictionary<Int32, Utf8>,
 * `lat`, `lon`, `accuracy_m` Float64; all nullable. Columns are built straight into buffers.
 *
 * @example
 * const bytes = encodeArrowBatch(lines.map((l) => toArrowRow(JSON.parse(l))!));
 * await producer.send({ topic, messages: [{ value: Buffer.from(bytes), headers: { 'content-type': ARROW_STREAM_CONTENT_TYPE } }] });
 */
export function encodeArrowBatch(rows: readonly ArrowRow[], config: ArrowBatchConfig = {}): Uint8Array {
  const n = rows.length;
  const columns: [string, Data][] = [
    ['ts', timeColumn(rows)],
    ['imsi', config.dictionaryImsi ? dictionaryColumn(rows, 'imsi', 0) : utf8Column(rows.map((r) => r.imsi))],
    ['cell', dictionaryColumn(rows, 'cell', 1)],
    ['event', dictionaryColumn(rows, 'event', 2)],
    ['lat', floatColumn(rows, 'lat')],
    ['lon', floatColumn(rows, 'lon')],
    ['accuracy_m', floatColumn(rows, 'accuracy_m')],
  ];
  const fields = columns.map(([name, data]) => new Field(name, data.type, true));
  const schema = new Schema(fields);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: n, nullCount: 0, children: columns.map(([, d]) => d) }));
  return RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
}

/** A validity bitmap for `n` rows, or undefined when no row is null. */
function bitmap(n: number, isNull: (i: number) => boolean): { nullBitmap?: Uint8Array; nullCount: number } {
  let bits: Uint8Array | undefined;
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (!isNull(i)) continue;
    bits ??= new Uint8Array(((n + 63) & ~63) >> 3).fill(0xff);
    bits[i >> 3]! &= ~(1 << (i & 7));
    nulls++;
  }
  return bits ? { nullBitmap: bits, nullCount: nulls } : { nullCount: 0 };
}

function timeColumn(rows: readonly ArrowRow[]): Data {
  const n = rows.length;
  const words = new Uint32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const ms = rows[i]!.ts ?? 0;
    const hi = Math.floor(ms / TWO_32);
    words[2 * i] = ms - hi * TWO_32;
    words[2 * i + 1] = hi >>> 0;
  }
  const values = new BigInt64Array(words.buffer);
  return makeData({ type: new TimestampMillisecond('UTC'), length: n, ...bitmap(n, (i) => rows[i]!.ts === null), data: values });
}

function floatColumn(rows: readonly ArrowRow[], key: 'lat' | 'lon' | 'accuracy_m'): Data {
  const n = rows.length;
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = rows[i]![key] ?? 0;
  return makeData({ type: new Float64(), length: n, ...bitmap(n, (i) => rows[i]![key] === null), data: values });
}

/** A Utf8 column from strings (null entries are nulls). */
function utf8Column(strings: readonly (string | null)[]): Data<Utf8> {
  const n = strings.length;
  const offsets = new Int32Array(n + 1);
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += Buffer.byteLength(strings[i] ?? '', 'utf8');
  const data = new Uint8Array(bytes);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const s = strings[i];
    if (s) at += utf8.encodeInto(s, data.subarray(at)).written;
    offsets[i + 1] = at;
  }
  return makeData({ type: new Utf8(), length: n, ...bitmap(n, (i) => strings[i] === null), valueOffsets: offsets, data });
}

/** A Dictionary<Int32, Utf8> column; the dictionary holds each distinct string once, in first-seen order. */
function dictionaryColumn(rows: readonly ArrowRow[], key: 'imsi' | 'cell' | 'event', id: number): Data {
  const n = rows.length;
  const index = new Map<string, number>();
  const keys = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const s = rows[i]![key];
    if (s === null) continue;
    let k = index.get(s);
    if (k === undefined) index.set(s, (k = index.size));
    keys[i] = k;
  }
  const dictionary = makeVector(utf8Column([...index.keys()]));
  const type = new Dictionary(new Utf8(), new Int32(), id) as unknown as Dictionary<Utf8, Int32>;
  return makeData({ type, length: n, ...bitmap(n, (i) => rows[i]![key] === null), data: keys, dictionary }) as unknown as Data<DataType>;
}

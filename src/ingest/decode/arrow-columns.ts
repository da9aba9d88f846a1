import { DateUnit, Precision, TimeUnit, Type, type Data, type Vector } from 'apache-arrow';

/**
 * Column readers for Arrow record batches, reading each column's buffers directly (typed arrays,
 * offsets, validity bitmaps) instead of building per-row Arrow proxies. Each reader is prepared once
 * per batch column and then answers by row index with plain JS values; `undefined` stands for null,
 * exactly as a field absent from a JSON record.
 */

/** The columns citypulse reads from a record batch; any other column is ignored. */
export const ARROW_COLUMNS = ['ts', 'imsi', 'cell', 'event', 'lat', 'lon', 'accuracy_m'] as const;
/** One of {@link ARROW_COLUMNS}. */
export type ArrowColumn = (typeof ARROW_COLUMNS)[number];

/** Reads one column of one batch by row index. */
export interface ColumnReader<T> {
  get(i: number): T | undefined;
}

const ABSENT: ColumnReader<never> = { get: () => undefined };
const TWO_32 = 4294967296;

/** A reader for a missing column: every row lacks the field. */
export function absentColumn(): ColumnReader<never> {
  return ABSENT;
}

/** True when row `i` of `data` is valid (not null); null when no row is null. */
export function validity(data: Data): ((i: number) => boolean) | null {
  if (data.nullCount === 0 || !data.nullBitmap || data.nullBitmap.length === 0) return null;
  const bits = data.nullBitmap;
  const off = data.offset;
  return (i) => {
    const p = off + i;
    return (bits[p >> 3]! & (1 << (p & 7))) !== 0;
  };
}

/**
 * Int64/Uint64 (or Timestamp/Date64) values as doubles, read through a 32-bit view of the buffer
 * (no BigInt per row). Exact up to 2^53, far beyond any epoch-millisecond time.
 */
function int64AsNumbers(values: BigInt64Array | BigUint64Array, signed: boolean, scale: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (values.byteOffset % 4 === 0) {
    const w = new Uint32Array(values.buffer, values.byteOffset, n * 2);
    for (let i = 0; i < n; i++) {
      const lo = w[2 * i]!;
      const hi = w[2 * i + 1]!;
      out[i] = (signed ? hi | 0 : hi) * TWO_32 + lo;
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = Number(values[i]!);
  }
  if (scale !== 1) for (let i = 0; i < n; i++) out[i] = Math.floor(out[i]! * scale);
  return out;
}

/** Multiplier from a time unit to milliseconds. */
function msPerUnit(unit: TimeUnit): number {
  return unit === TimeUnit.SECOND ? 1000 : unit === TimeUnit.MILLISECOND ? 1 : unit === TimeUnit.MICROSECOND ? 1e-3 : 1e-6;
}

/**
 * A numeric column as doubles: Int (8–64 bit, signed or not), Float (16/32/64), Timestamp (any unit,
 * converted to epoch ms, sub-ms parts floored), Date (day or ms, as epoch ms). Null for other types.
 */
export function numbers(data: Data): ArrayLike<number> | null {
  const t = data.type as Data['type'] & { bitWidth?: number; isSigned?: boolean; precision?: Precision; unit?: number };
  switch (data.typeId) {
    case Type.Int:
      if (t.bitWidth === 64) return int64AsNumbers(data.values as BigInt64Array | BigUint64Array, t.isSigned !== false, 1);
      return data.values as ArrayLike<number>;
    case Type.Float:
      if (t.precision === Precision.HALF) return null;
      return data.values as ArrayLike<number>;
    case Type.Timestamp:
      return int64AsNumbers(data.values as BigInt64Array, true, msPerUnit(t.unit as TimeUnit));
    case Type.Date:
      if (t.unit === DateUnit.DAY) {
        const days = data.values as Int32Array;
        const out = new Float64Array(days.length);
        for (let i = 0; i < days.length; i++) out[i] = days[i]! * 86_400_000;
        return out;
      }
      return int64AsNumbers(data.values as BigInt64Array, true, 1);
    default:
      return null;
  }
}

/**
 * Decodes a Utf8/LargeUtf8 chunk. When every byte is ASCII (the usual case for ids) the whole values
 * buffer becomes one JS string once, and each row is a slice of it; otherwise rows decode one by one.
 */
function utf8Strings(data: Data): ColumnReader<string> | null {
  if (data.typeId !== Type.Utf8 && data.typeId !== Type.LargeUtf8) return null;
  const bytes = data.values as Uint8Array;
  const raw = data.valueOffsets as Int32Array | BigInt64Array;
  const offsets: ArrayLike<number> = raw instanceof BigInt64Array ? Float64Array.from(raw, Number) : raw;
  const n = data.length;
  const first = offsets[0] ?? 0;
  const last = offsets[n] ?? first;
  const valid = validity(data);
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let ascii = true;
  for (let i = first; i < last; i++) {
    if (bytes[i]! > 0x7f) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    const whole = buf.toString('latin1', first, last);
    return {
      get: (i) => (valid && !valid(i) ? undefined : whole.slice(offsets[i]! - first, offsets[i + 1]! - first)),
    };
  }
  return { get: (i) => (valid && !valid(i) ? undefined : buf.toString('utf8', offsets[i]!, offsets[i + 1]!)) };
}

/** Every string of a dictionary vector, decoded once. */
function dictionaryStrings(dict: Vector): (string | undefined)[] | null {
  const out: (string | undefined)[] = [];
  for (const d of dict.data) {
    const r = utf8Strings(d);
    if (!r) return null;
    for (let i = 0; i < d.length; i++) out.push(r.get(i));
  }
  return out;
}

const decodedDictionaries = new WeakMap<Vector, (string | undefined)[] | null>();

/**
 * A string column: Utf8, LargeUtf8, or Dictionary of those (any integer index type). A dictionary is
 * decoded once and shared by every batch that uses it. Null for other types.
 */
export function stringColumn(data: Data): ColumnReader<string> | null {
  if (data.typeId !== Type.Dictionary) return utf8Strings(data);
  const dict = data.dictionary;
  if (!dict) return null;
  let strings = decodedDictionaries.get(dict);
  if (strings === undefined) {
    strings = dictionaryStrings(dict);
    decodedDictionaries.set(dict, strings);
  }
  if (!strings) return null;
  const keys = data.values as ArrayLike<number | bigint>;
  const valid = validity(data);
  const words: ArrayLike<number> = keys instanceof BigInt64Array || keys instanceof BigUint64Array ? Float64Array.from(keys, Number) : (keys as ArrayLike<number>);
  const s = strings;
  return { get: (i) => (valid && !valid(i) ? undefined : s[words[i]!]) };
}

/**
 * A string column as codes into distinct values (what a columnar stage looks up once per value, not
 * once per row): `codes[i]` is the index in `values` of row i, or -1 for null. A Dictionary column
 * keeps its dictionary (decoded once, shared across batches); Utf8 rows are deduplicated per batch.
 * Null for other types.
 */
export function stringCodes(data: Data): { codes: Int32Array; values: (string | undefined)[] } | null {
  const n = data.length;
  const codes = new Int32Array(n);
  const valid = validity(data);
  if (data.typeId === Type.Dictionary) {
    const dict = data.dictionary;
    if (!dict) return null;
    let values = decodedDictionaries.get(dict);
    if (values === undefined) {
      values = dictionaryStrings(dict);
      decodedDictionaries.set(dict, values);
    }
    if (!values) return null;
    const keys = data.values as ArrayLike<number | bigint>;
    for (let i = 0; i < n; i++) codes[i] = valid && !valid(i) ? -1 : Number(keys[i]!);
    return { codes, values };
  }
  const rows = utf8Strings(data);
  if (!rows) return null;
  const values: string[] = [];
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const s = rows.get(i);
    if (s === undefined) {
      codes[i] = -1;
      continue;
    }
    let c = index.get(s);
    if (c === undefined) {
      c = values.length;
      values.push(s);
      index.set(s, c);
    }
    codes[i] = c;
  }
  return { codes, values };
}

/** A numeric column (see {@link numbers}); null for other types. */
export function numberColumn(data: Data): ColumnReader<number> | null {
  const xs = numbers(data);
  if (!xs) return null;
  const valid = validity(data);
  return { get: (i) => (valid && !valid(i) ? undefined : xs[i]) };
}

/**
 * A column of any other type, read through Arrow's own accessor (row by row, slow): values keep
 * their JSON-like meaning so validation rejects them with the same reasons as in JSON (an integer
 * `imsi` is an invalid field, not a crash). BigInts become numbers when safe.
 */
export function genericColumn(vector: Vector): ColumnReader<unknown> {
  return {
    get: (i) => {
      const v: unknown = vector.get(i);
      if (v === null || v === undefined) return undefined;
      if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
      return v;
    },
  };
}

/**
 * The reader of column `name` of a batch column vector: typed fast paths for the documented types
 * (ts: Int/Timestamp/Date/Float or Utf8 RFC 3339; imsi, cell, event: Utf8 or Dictionary; lat, lon,
 * accuracy_m: Float or Int), the generic reader for anything else.
 */
export function columnReader(name: ArrowColumn, vector: Vector | null): ColumnReader<unknown> {
  if (!vector) return ABSENT;
  if (vector.data.length !== 1) return genericColumn(vector);
  const data = vector.data[0]!;
  if (name === 'ts') return numberColumn(data) ?? stringColumn(data) ?? genericColumn(vector);
  if (name === 'imsi' || name === 'cell' || name === 'event') return stringColumn(data) ?? genericColumn(vector);
  return numberColumn(data) ?? genericColumn(vector);
}

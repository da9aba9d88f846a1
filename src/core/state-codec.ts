import { deserialize, serialize } from 'node:v8';
import { gunzipSync, gzipSync } from 'node:zlib';

/** First bytes of the format of earlier versions: "CPV8", then version 1 (one V8 value, gzip'd whole). */
const MAGIC_V1 = Buffer.from('CPV8\x01', 'latin1');
/** First bytes of {@link encodeState}'s output: "CPV8", then version 2 (framed pieces, gzip'd piece by piece). */
const MAGIC_V2 = Buffer.from('CPV8\x02', 'latin1');

/** Arrays longer than this many elements are serialised in slices of this many. */
const SLICE_ELEMENTS = 4096;
/** Typed arrays longer than this many bytes are serialised in slices of about this many. */
const SLICE_BYTES = 1 << 22;
/** Objects nested deeper than this are serialised with their parent, whatever their size. */
const MAX_DEPTH = 6;
/** The key of the placeholder left where a sliced array was: its index among the sliced arrays. */
const SLICED = '\u0000cpSliced';

type TypedArray = Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array | Uint8ClampedArray | BigInt64Array | BigUint64Array;

/** Where a sliced array was, what it was, and its slices' count. */
interface SlicedEntry {
  kind: 'array' | 'typed';
  /** Constructor name of a typed array. */
  type?: string;
  length: number;
  slices: number;
}

/**
 * Encodes plain-data state (a pipeline snapshot) for checkpoints: V8's structured serialisation
 * (`node:v8`), behind a short magic header. The same bytes go to DuckDB (`stream_checkpoints.state`)
 * and to the state changelog topic, so they are encoded once.
 *
 * Not JSON: a partition holding a few hundred thousand devices serialises to hundreds of MB, and a
 * JSON string that long comes near V8's string-length limit (~512 M characters), where
 * `JSON.stringify` throws; the structured serialiser writes a Buffer, skips the string → UTF-8 copy
 * and is faster on this kind of data. The state must be plain data (objects, arrays, strings,
 * numbers, booleans, null, typed arrays — what JSON would carry, and typed arrays), so that any Node
 * version that reads V8's format (all later ones do) restores it.
 *
 * **In pieces.** The state is taken now, synchronously (the caller's state changes as soon as it
 * yields), but not as one value: every long array (and typed array) reachable through plain objects
 * is cut into slices, and each piece is serialised and gzip'd (level 1) before the next is made. So
 * the uncompressed bytes held at any moment are one slice (a few MB), not the whole partition
 * (150–400 MB at 300k devices, which V8's serialiser grows by doubling a single buffer); what stays in
 * memory is the compressed output. The price is that compression runs on the event loop instead of
 * the thread pool, which the checkpointer's snapshot cost bound accounts for (it times this call).
 */
export function encodeState(state: unknown): Uint8Array {
  return encodeStateSized(state).encoded;
}

/** {@link encodeState}, also telling the size of the serialised state before compression. */
export function encodeStateSized(state: unknown): { rawBytes: number; encoded: Uint8Array } {
  const sliced: SlicedEntry[] = [];
  const pending: unknown[][] = [];
  const root = cut(state, 0, sliced, pending);
  const out: Buffer[] = [MAGIC_V2];
  let rawBytes = 0;
  const put = (value: unknown) => {
    const raw = serialize(value);
    rawBytes += raw.byteLength;
    const frame = Buffer.allocUnsafe(4);
    frame.writeUInt32LE(raw.byteLength);
    out.push(gzipSync(Buffer.concat([frame, raw]), { level: 1 }));
  };
  put({ root, sliced });
  for (const slices of pending) for (const s of slices) put(s);
  return { rawBytes, encoded: Buffer.concat(out) };
}

/**
 * A copy of `value` down to its long arrays, each replaced by a placeholder whose slices are queued
 * in `pending` (views and element slices: nothing of the state is copied here but the path to them).
 */
function cut(value: unknown, depth: number, sliced: SlicedEntry[], pending: unknown[][]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView || value.byteLength <= SLICE_BYTES) return value;
    const t = value as TypedArray;
    const per = Math.max(1, Math.floor(SLICE_BYTES / t.BYTES_PER_ELEMENT));
    const slices: unknown[] = [];
    for (let i = 0; i < t.length; i += per) slices.push(t.subarray(i, i + per));
    sliced.push({ kind: 'typed', type: t.constructor.name, length: t.length, slices: slices.length });
    pending.push(slices);
    return { [SLICED]: sliced.length - 1 };
  }
  if (Array.isArray(value)) {
    if (value.length <= SLICE_ELEMENTS) return value;
    const slices: unknown[] = [];
    for (let i = 0; i < value.length; i += SLICE_ELEMENTS) slices.push(value.slice(i, i + SLICE_ELEMENTS));
    sliced.push({ kind: 'array', length: value.length, slices: slices.length });
    pending.push(slices);
    return { [SLICED]: sliced.length - 1 };
  }
  if (depth >= MAX_DEPTH || Object.getPrototypeOf(value) !== Object.prototype) return value;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) copy[k] = cut(v, depth + 1, sliced, pending);
  return copy;
}

/** Decodes {@link encodeState}, and what earlier versions wrote (one gzip'd V8 value; gzip'd JSON). */
export function decodeState<T>(blob: Uint8Array): T {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const head = buf.subarray(0, MAGIC_V2.length);
  if (head.equals(MAGIC_V1)) return deserialize(gunzipSync(buf.subarray(MAGIC_V1.length))) as T;
  if (!head.equals(MAGIC_V2)) return JSON.parse(gunzipSync(buf).toString('utf8')) as T;
  // Concatenated gzip members decompress as one stream: the frames, one after the other.
  const raw = gunzipSync(buf.subarray(MAGIC_V2.length));
  let at = 0;
  const next = (): unknown => {
    if (at + 4 > raw.byteLength) throw new Error('checkpoint state is truncated');
    const n = raw.readUInt32LE(at);
    const value = deserialize(raw.subarray(at + 4, at + 4 + n));
    at += 4 + n;
    return value;
  };
  const { root, sliced } = next() as { root: unknown; sliced: SlicedEntry[] };
  const whole = sliced.map((e) => {
    const slices = Array.from({ length: e.slices }, next);
    if (e.kind === 'array') return (slices as unknown[][]).flat(1);
    const Ctor = (globalThis as unknown as Record<string, new (n: number) => TypedArray>)[e.type!];
    if (typeof Ctor !== 'function') throw new Error(`checkpoint state holds an unknown typed array ${e.type}`);
    const t = new Ctor(e.length);
    let o = 0;
    for (const s of slices as TypedArray[]) {
      (t as unknown as { set(a: ArrayLike<number | bigint>, o: number): void }).set(s, o);
      o += s.length;
    }
    return t;
  });
  return join(root, whole, 0) as T;
}

/** Puts the sliced arrays back where their placeholders are (inverse of {@link cut}). */
function join(value: unknown, whole: unknown[], depth: number): unknown {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || Array.isArray(value)) return value;
  const o = value as Record<string, unknown>;
  if (typeof o[SLICED] === 'number' && Object.keys(o).length === 1) return whole[o[SLICED] as number];
  if (depth >= MAX_DEPTH) return value;
  for (const k of Object.keys(o)) o[k] = join(o[k], whole, depth + 1);
  return value;
}

import { deserialize, serialize } from 'node:v8';
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** First bytes of {@link encodeState}'s output: "CPV8" then a format version. */
const MAGIC = Buffer.from('CPV8\x01', 'latin1');

/**
 * Encodes plain-data state (a pipeline snapshot) for checkpoints: V8's structured serialisation
 * (`node:v8`), taken synchronously, then gzip'd off the event loop, behind a short magic header. The same bytes go to DuckDB
 * (`stream_checkpoints.state`) and to the state changelog topic, so they are encoded once.
 *
 * Not JSON: a partition holding a few hundred thousand devices serialises to hundreds of MB, and a
 * JSON string that long comes near V8's string-length limit (~512 M characters), where
 * `JSON.stringify` throws; the structured serialiser writes a Buffer, skips the string → UTF-8 copy
 * and is faster on this kind of data. The state must be plain data (objects, arrays, strings,
 * numbers, booleans, null — what JSON would carry), so that any Node version that reads V8's
 * format (all later ones do) restores it.
 */
export function encodeState(state: unknown): Promise<Uint8Array> {
  // Serialised now, synchronously: the caller's state may change as soon as it yields. The gzip
  // runs on libuv's thread pool, off the event loop (another core, while records keep flowing).
  const raw = serialize(state);
  return gzipAsync(raw, { level: 1 }).then((z) => Buffer.concat([MAGIC, z]));
}

/** Decodes {@link encodeState}, and the gzip'd JSON that earlier versions wrote. */
export function decodeState<T>(blob: Uint8Array): T {
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.subarray(0, MAGIC.length).equals(MAGIC)) return deserialize(gunzipSync(buf.subarray(MAGIC.length))) as T;
  return JSON.parse(gunzipSync(buf).toString('utf8')) as T;
}

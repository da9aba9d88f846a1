import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Encodes plain-data state (a pipeline snapshot) for checkpoints: gzip'd JSON. The same bytes go to
 * DuckDB (`stream_checkpoints.state`) and to the state changelog topic, so they are encoded once.
 */
export function encodeState(state: unknown): Uint8Array {
  return gzipSync(Buffer.from(JSON.stringify(state)), { level: 1 });
}

/** Decodes {@link encodeState}. */
export function decodeState<T>(blob: Uint8Array): T {
  return JSON.parse(gunzipSync(blob).toString('utf8')) as T;
}

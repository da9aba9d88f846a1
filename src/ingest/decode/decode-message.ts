import { ARROW_STREAM_CONTENT_TYPE, arrowRecords } from './arrow-message.ts';

/**
 * A message (or NDJSON line) decoded into records of the event contract:
 * - `one`: a single JSON record (`raw`, its text, is kept as the dead-letter payload; position `P`);
 * - `many`: a JSON array or the rows of an Arrow IPC stream (positions `P[0]`, `P[1]`, …); Arrow
 *   rows are one reused object, consume each before the next;
 * - `unreadable`: neither parses — one `malformed_json` dead letter with this payload and detail.
 */
export type DecodedMessage =
  | { kind: 'one'; record: unknown; raw: string }
  | { kind: 'many'; records: Iterable<unknown> }
  | { kind: 'unreadable'; payload: string; detail: string };

/** The dead-letter payload of an Arrow message that does not decode (the bytes are not kept as text). */
export const UNDECODABLE_ARROW_PAYLOAD = '<arrow ipc: undecodable>';

/**
 * The one decoder of Kafka messages, used by `stream` and by the `--repartition` stage alike (and, for
 * text, by `ingest`): `content-type: application/vnd.apache.arrow.stream` means Arrow IPC (see
 * `arrowRecords`), anything else UTF-8 JSON (one record or an array of records).
 *
 * @example
 * const d = decodeMessage(m.value, m.headers?.['content-type']?.toString());
 * if (d.kind === 'unreadable') deadLetter('malformed_json', d.detail, d.payload);
 */
export function decodeMessage(value: Uint8Array | null, contentType: string | undefined): DecodedMessage {
  if (contentType === ARROW_STREAM_CONTENT_TYPE && value) {
    const rows = arrowRecords(value);
    return rows === null ? { kind: 'unreadable', payload: UNDECODABLE_ARROW_PAYLOAD, detail: 'not an Apache Arrow IPC stream' } : { kind: 'many', records: rows };
  }
  return decodeText(value ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8') : '');
}

/** Decodes one JSON text (an NDJSON line or a message value): a record, an array of records, or unreadable. */
export function decodeText(text: string): DecodedMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: 'unreadable', payload: text, detail: (err as Error).message };
  }
  return Array.isArray(value) ? { kind: 'many', records: value } : { kind: 'one', record: value, raw: text };
}

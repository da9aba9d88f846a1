import { ARROW_STREAM_CONTENT_TYPE } from '../decode/arrow-message.ts';
import { encodeArrowBatch } from './arrow-batch.ts';
import { toArrowRow, type ArrowRow } from './arrow-row.ts';

/** How `publish` packs records into Kafka messages. */
export const PUBLISH_ENCODINGS = ['ndjson', 'json-array', 'arrow'] as const;
/** One of {@link PUBLISH_ENCODINGS}. */
export type PublishEncoding = (typeof PUBLISH_ENCODINGS)[number];

/** A message ready for the producer. `partition` set means: send it there (batched messages). */
export interface OutMessage {
  key: string | null;
  value: Buffer | string;
  partition?: number;
  headers?: Record<string, string>;
  /** Records the message carries (a line that does not parse counts one). */
  records: number;
}

/** Configuration of a {@link MessageBatcher}. */
export interface MessageBatcherConfig {
  /**
   * `ndjson`: each line one message, keyed by its subscriber (the default). `json-array`: records
   * packed into JSON arrays. `arrow`: records packed into Arrow IPC record batches.
   */
  encoding: PublishEncoding;
  /** Records per message for `json-array`/`arrow` (at most; see {@link maxMessageBytes}). Default 1000. */
  recordsPerMessage?: number;
  /** Partitions of the target topic. */
  partitions: number;
  /** The partition of a subscriber key: the producer's default (murmur2) partitioner. */
  partitionOf: (key: string) => number;
  /** A batch is closed before its (estimated) size passes this. Default 900,000 (Kafka's default limit is 1 MiB). */
  maxMessageBytes?: number;
}

interface Pending {
  texts: string[];
  rows: ArrowRow[];
  bytes: number;
}

/**
 * Turns NDJSON lines into Kafka messages. `ndjson` keys each message by its subscriber and splits a
 * line whose JSON array mixes subscribers into one message per subscriber ({@link splitBySubscriber}).
 * Batched encodings keep every device in one partition:
 * records are grouped by the partition of their own subscriber key (the partition `ndjson` would
 * choose), so per-partition results still add up exactly and order within a device is kept.
 * What cannot be batched faithfully (a line that does not parse, a record without a string `imsi`,
 * or — for Arrow — a record the Arrow row contract cannot carry; see `toArrowRow`) travels alone as
 * JSON, after the batch pending for its partition, so the pipeline judges it exactly as before.
 *
 * @example
 * const b = new MessageBatcher({ encoding: 'arrow', recordsPerMessage: 10_000, partitions: 3, partitionOf });
 * for (const line of lines) send(b.push(line));
 * send(b.end());
 */
export class MessageBatcher {
  readonly #cfg: Required<MessageBatcherConfig>;
  readonly #pending = new Map<number, Pending>();

  constructor(config: MessageBatcherConfig) {
    const recordsPerMessage = config.recordsPerMessage ?? 1000;
    if (!(PUBLISH_ENCODINGS as readonly string[]).includes(config.encoding)) throw new RangeError(`unknown encoding "${config.encoding}" (${PUBLISH_ENCODINGS.join(', ')})`);
    if (!Number.isInteger(recordsPerMessage) || recordsPerMessage < 1) throw new RangeError(`records per message must be a positive integer, got ${recordsPerMessage}`);
    if (config.encoding === 'ndjson' && recordsPerMessage !== 1 && config.recordsPerMessage !== undefined) {
      throw new RangeError('ndjson sends one line per message; use json-array or arrow to batch records');
    }
    this.#cfg = { maxMessageBytes: 900_000, ...config, recordsPerMessage };
  }

  /** Takes one line; returns the messages it completes (possibly none). */
  push(line: string): OutMessage[] {
    if (line.trim() === '') return [];
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return [{ key: null, value: line, records: 1 }];
    }
    if (this.#cfg.encoding === 'ndjson') return splitBySubscriber(value, line);
    const out: OutMessage[] = [];
    if (Array.isArray(value)) for (const r of value) this.#add(r, JSON.stringify(r) ?? 'null', out);
    else this.#add(value, line, out);
    return out;
  }

  /** Flushes every partial batch. */
  end(): OutMessage[] {
    const out: OutMessage[] = [];
    for (const p of [...this.#pending.keys()].sort((a, b) => a - b)) this.#flush(p, out);
    return out;
  }

  #add(record: unknown, text: string, out: OutMessage[]): void {
    const imsi = imsiOf(record);
    if (imsi === null) {
      out.push({ key: null, value: text, records: 1 });
      return;
    }
    const partition = this.#cfg.partitionOf(imsi);
    const row = this.#cfg.encoding === 'arrow' ? toArrowRow(record) : null;
    if (this.#cfg.encoding === 'arrow' && row === null) {
      this.#flush(partition, out);
      out.push({ key: imsi, value: text, partition, records: 1 });
      return;
    }
    let p = this.#pending.get(partition);
    if (!p) this.#pending.set(partition, (p = { texts: [], rows: [], bytes: 2 }));
    // Arrow: ~8 bytes of ts and the strings' bytes, padded; JSON: the text and a comma.
    const size = row ? 40 + Buffer.byteLength(imsi) + (row.cell?.length ?? 0) : Buffer.byteLength(text) + 1;
    if (p.bytes + size > this.#cfg.maxMessageBytes && (p.rows.length > 0 || p.texts.length > 0)) this.#flush(partition, out);
    p = this.#pending.get(partition) ?? { texts: [], rows: [], bytes: 2 };
    this.#pending.set(partition, p);
    if (row) p.rows.push(row);
    else p.texts.push(text);
    p.bytes += size;
    if (p.rows.length + p.texts.length >= this.#cfg.recordsPerMessage) this.#flush(partition, out);
  }

  #flush(partition: number, out: OutMessage[]): void {
    const p = this.#pending.get(partition);
    if (!p || (p.rows.length === 0 && p.texts.length === 0)) return;
    this.#pending.delete(partition);
    if (this.#cfg.encoding === 'arrow') {
      const bytes = encodeArrowBatch(p.rows);
      out.push({ key: null, partition, value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), headers: { 'content-type': ARROW_STREAM_CONTENT_TYPE }, records: p.rows.length });
    } else {
      out.push({ key: null, partition, value: `[${p.texts.join(',')}]`, records: p.texts.length });
    }
  }
}

/**
 * `ndjson` messages of one line: the line itself, keyed by its subscriber, when all its records share
 * one subscriber; else one message per subscriber (a JSON array of that subscriber's records, in line
 * order; a record without a string `imsi` alone and unkeyed), so a device never lands in a partition
 * that is not its own. Exported for tests.
 */
export function splitBySubscriber(value: unknown, line: string): OutMessage[] {
  if (!Array.isArray(value)) return [{ key: imsiOf(value), value: line, records: 1 }];
  const first = imsiOf(value[0]);
  if (first !== null && value.every((r) => imsiOf(r) === first)) return [{ key: first, value: line, records: value.length }];
  const groups = new Map<string, unknown[]>();
  const out: OutMessage[] = [];
  for (const r of value) {
    const imsi = imsiOf(r);
    if (imsi === null) {
      out.push({ key: null, value: JSON.stringify(r) ?? 'null', records: 1 });
      continue;
    }
    let g = groups.get(imsi);
    if (!g) groups.set(imsi, (g = []));
    g.push(r);
  }
  for (const [imsi, recs] of groups) out.push({ key: imsi, value: JSON.stringify(recs.length === 1 ? recs[0] : recs), records: recs.length });
  return out;
}

function imsiOf(record: unknown): string | null {
  const imsi = typeof record === 'object' && record !== null && !Array.isArray(record) ? (record as { imsi?: unknown }).imsi : undefined;
  return typeof imsi === 'string' && imsi.length > 0 ? imsi : null;
}

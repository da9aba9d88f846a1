import type { RecordBatch } from 'apache-arrow';
import { ARROW_COLUMNS, columnReader, type ColumnReader } from './arrow-columns.ts';

/**
 * The record an {@link ArrowRecordCursor} yields: the JSON record contract's fields, `undefined` where
 * the column is missing or null (as a field absent from JSON).
 */
export interface ArrowRowRecord {
  ts: unknown;
  imsi: unknown;
  cell: unknown;
  event: unknown;
  lat: unknown;
  lon: unknown;
  accuracy_m: unknown;
}

/**
 * Iterates the rows of one record batch as plain records, reading the column buffers directly.
 * To avoid an allocation per row it yields **the same object** each time, refilled: a consumer must
 * copy what it keeps before asking for the next row (the pipeline's validation does exactly that).
 *
 * @example
 * for (const rec of new ArrowRecordCursor(batch)) pipeline.processRecords(...) // or any one-pass consumer
 */
export class ArrowRecordCursor implements IterableIterator<ArrowRowRecord> {
  readonly #n: number;
  readonly #ts: ColumnReader<unknown>;
  readonly #imsi: ColumnReader<unknown>;
  readonly #cell: ColumnReader<unknown>;
  readonly #event: ColumnReader<unknown>;
  readonly #lat: ColumnReader<unknown>;
  readonly #lon: ColumnReader<unknown>;
  readonly #acc: ColumnReader<unknown>;
  readonly #row: ArrowRowRecord = { ts: undefined, imsi: undefined, cell: undefined, event: undefined, lat: undefined, lon: undefined, accuracy_m: undefined };
  readonly #result: IteratorResult<ArrowRowRecord> = { done: false, value: this.#row };
  #i = 0;

  constructor(batch: RecordBatch) {
    this.#n = batch.numRows;
    const [ts, imsi, cell, event, lat, lon, acc] = ARROW_COLUMNS.map((name) => columnReader(name, batch.getChild(name)));
    this.#ts = ts!;
    this.#imsi = imsi!;
    this.#cell = cell!;
    this.#event = event!;
    this.#lat = lat!;
    this.#lon = lon!;
    this.#acc = acc!;
  }

  /** Rows in the batch. */
  get length(): number {
    return this.#n;
  }

  next(): IteratorResult<ArrowRowRecord> {
    const i = this.#i;
    if (i >= this.#n) return { done: true, value: undefined };
    this.#i = i + 1;
    const r = this.#row;
    r.ts = this.#ts.get(i);
    r.imsi = this.#imsi.get(i);
    r.cell = this.#cell.get(i);
    r.event = this.#event.get(i);
    r.lat = this.#lat.get(i);
    r.lon = this.#lon.get(i);
    r.accuracy_m = this.#acc.get(i);
    return this.#result;
  }

  [Symbol.iterator](): IterableIterator<ArrowRowRecord> {
    return this;
  }
}

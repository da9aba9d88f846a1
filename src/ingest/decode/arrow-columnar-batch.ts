import type { RecordBatch, Vector } from 'apache-arrow';
import { ARROW_COLUMNS, columnReader, numbers, stringCodes, validity, type ColumnReader } from './arrow-columns.ts';
import type { ArrowRowRecord } from './arrow-record-cursor.ts';

/** A string column as codes into its distinct values (-1: null or absent). */
export interface CodedStrings {
  codes: Int32Array;
  values: readonly (string | undefined)[];
}

/** A numeric column as plain numbers, with its validity (null: no row is null). */
export interface PlainNumbers {
  values: ArrayLike<number>;
  valid: ((i: number) => boolean) | null;
}

/**
 * One Arrow record batch held column-wise for the columnar path (validate → pseudonymise → locate →
 * window per batch): `ts`, `lat`, `lon`, `accuracy_m` as numbers, `imsi`, `cell`, `event` as codes into
 * their distinct values, so a stage looks a subscriber or a cell up once per batch, not once per row.
 * A column of an undocumented type is `null` here: its rows take the per-record path through
 * {@link row}, which reads them exactly as `ArrowRecordCursor` does.
 */
export class ArrowColumnarBatch {
  readonly length: number;
  readonly ts: PlainNumbers | null;
  readonly imsi: CodedStrings | null;
  readonly cell: CodedStrings | null;
  readonly event: CodedStrings | null;
  readonly lat: PlainNumbers | null;
  readonly lon: PlainNumbers | null;
  readonly accuracy: PlainNumbers | null;
  readonly #readers: ColumnReader<unknown>[];
  readonly #row: ArrowRowRecord = { ts: undefined, imsi: undefined, cell: undefined, event: undefined, lat: undefined, lon: undefined, accuracy_m: undefined };

  constructor(batch: RecordBatch) {
    const n = batch.numRows;
    this.length = n;
    const vectors = ARROW_COLUMNS.map((name) => batch.getChild(name) as Vector | null);
    this.#readers = ARROW_COLUMNS.map((name, i) => columnReader(name, vectors[i]!));
    const [ts, imsi, cell, event, lat, lon, acc] = vectors;
    this.ts = plainNumbers(ts!);
    this.imsi = codedStrings(imsi!, n);
    this.cell = codedStrings(cell!, n);
    this.event = codedStrings(event!, n);
    this.lat = plainNumbers(lat!);
    this.lon = plainNumbers(lon!);
    this.accuracy = plainNumbers(acc!);
  }

  /**
   * Row `i` as the record the JSON contract describes (`undefined` for null or absent), in **one
   * reused object**: consume it before asking for another row.
   */
  row(i: number): ArrowRowRecord {
    const r = this.#row;
    const x = this.#readers;
    r.ts = x[0]!.get(i);
    r.imsi = x[1]!.get(i);
    r.cell = x[2]!.get(i);
    r.event = x[3]!.get(i);
    r.lat = x[4]!.get(i);
    r.lon = x[5]!.get(i);
    r.accuracy_m = x[6]!.get(i);
    return r;
  }
}

/** An absent column: every row null. */
const NONE: PlainNumbers = { values: [], valid: () => false };

function plainNumbers(v: Vector | null): PlainNumbers | null {
  if (!v) return NONE;
  if (v.data.length !== 1) return null;
  const d = v.data[0]!;
  const values = numbers(d);
  return values ? { values, valid: validity(d) } : null;
}

function codedStrings(v: Vector | null, n: number): CodedStrings | null {
  if (!v) return { codes: new Int32Array(n).fill(-1), values: [] };
  if (v.data.length !== 1) return null;
  return stringCodes(v.data[0]!);
}

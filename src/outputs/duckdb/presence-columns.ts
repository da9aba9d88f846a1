import type { DuckDBAppender } from '@duckdb/node-api';
import type { PresenceRow } from '../../core/presence-row.ts';
import { valueCodec } from './value-codec.ts';

/** One column of a presence row: its name, its DuckDB type, and how an appender writes it. */
export interface PresenceColumn {
  readonly name: string;
  /** DuckDB type, as written in DDL. */
  readonly type: string;
  /** Appends this column of `r` to the appender's current row. */
  readonly append: (a: DuckDBAppender, r: PresenceRow) => void;
}

/**
 * The columns of a presence row, in table order — the one definition from which the `presence`
 * table (schema.ts), the stream's `presence_partials` (stream-schema.ts, after topic and partition)
 * and the Parquet lake's files (lake/create-lake-writer.ts) take their columns. Times are
 * TIMESTAMPTZ (UTC instants), cells UBIGINT as in DuckDB's h3 extension; all NOT NULL.
 */
export const PRESENCE_COLUMNS: readonly PresenceColumn[] = [
  { name: 'window_start', type: 'TIMESTAMPTZ', append: (a, r) => valueCodec.appendTimestampTZ(a, r.windowStart) },
  { name: 'window_end', type: 'TIMESTAMPTZ', append: (a, r) => valueCodec.appendTimestampTZ(a, r.windowEnd) },
  { name: 'h3', type: 'UBIGINT', append: (a, r) => a.appendUBigInt(valueCodec.h3ToUbigint(r.h3)) },
  { name: 'res', type: 'UTINYINT', append: (a, r) => a.appendUTinyInt(r.res) },
  { name: 'present', type: 'INTEGER', append: (a, r) => a.appendInteger(r.present) },
  { name: 'active', type: 'INTEGER', append: (a, r) => a.appendInteger(r.active) },
  { name: 'events', type: 'INTEGER', append: (a, r) => a.appendInteger(r.events) },
];

/**
 * The column definitions of {@link PRESENCE_COLUMNS} for a CREATE TABLE, one per line, each
 * `NOT NULL`, separated by commas (no trailing comma).
 * @example `CREATE TABLE presence (\n${presenceColumnsDdl()}\n)`
 */
export function presenceColumnsDdl(indent = '  '): string {
  return PRESENCE_COLUMNS.map((c) => `${indent}${c.name.padEnd(12)} ${c.type.padEnd(11)} NOT NULL`).join(',\n');
}

/**
 * Appends the columns of a presence row ({@link PRESENCE_COLUMNS}) to the appender's current row;
 * the caller appends any columns before them and ends the row.
 */
export function appendPresenceColumns(a: DuckDBAppender, r: PresenceRow): void {
  for (const c of PRESENCE_COLUMNS) c.append(a, r);
}

import { timestampTZValue, timestampValue, type DuckDBAppender, type DuckDBTimestampTZValue } from '@duckdb/node-api';

/**
 * The one place citypulse converts between its plain-data values and DuckDB's: epoch milliseconds ↔
 * TIMESTAMPTZ values (microseconds since the epoch, UTC), and h3-js cell strings (lowercase hex) ↔
 * UBIGINT, the type DuckDB's h3 extension uses for cells. Appenders, query parameters and readers all
 * go through it.
 *
 * @example
 * valueCodec.appendTimestampTZ(a, row.windowStart);          // an appender's TIMESTAMPTZ column
 * a.appendUBigInt(valueCodec.h3ToUbigint('891f1d48177ffff'));   // 617540518933954559n
 * valueCodec.ubigintToH3(617540518933954559n);                    // '891f1d48177ffff'
 */
export const valueCodec = {
  /** Epoch ms (an integer) → DuckDB TIMESTAMPTZ value. */
  timestampTZ(ms: number): DuckDBTimestampTZValue {
    return timestampTZValue(BigInt(ms) * 1000n);
  },
  /**
   * Appends epoch ms (an integer) to an appender's TIMESTAMPTZ column. It goes through DuckDB's
   * native timestamp append rather than the generic value path of `appendTimestampTZ` (which builds a
   * DuckDB value per call: ~5 % of an ingest's CPU when every row had one or three). A TIMESTAMP and a
   * TIMESTAMPTZ are the same microseconds since the epoch, and DuckDB's appender stores them as they
   * are, whatever the session's TimeZone (test/outputs/duckdb-layer.test.ts holds it to that).
   */
  appendTimestampTZ(a: DuckDBAppender, ms: number): void {
    a.appendTimestamp(timestampValue(BigInt(ms) * 1000n));
  },
  /** DuckDB TIMESTAMPTZ value → epoch ms (sub-millisecond digits dropped, towards −∞). */
  timestampTZToMs(value: DuckDBTimestampTZValue): number {
    const micros = value.micros;
    const ms = micros / 1000n;
    return Number(micros < 0n && ms * 1000n !== micros ? ms - 1n : ms);
  },
  /** h3-js cell (hex string) → its UBIGINT value. */
  h3ToUbigint(h3: string): bigint {
    return BigInt('0x' + h3);
  },
  /** UBIGINT cell → h3-js cell string (lowercase hex, no leading zeros, as h3-js writes it). */
  ubigintToH3(cell: bigint): string {
    return cell.toString(16);
  },
} as const;

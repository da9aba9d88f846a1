import { BIGINT, UBIGINT, VARCHAR } from '@duckdb/node-api';
import type { DuckDBType } from '@duckdb/node-api';
import { valueCodec } from '../outputs/duckdb/value-codec.ts';

/**
 * An H3 index as two unsigned 32-bit halves, `[low, high]`: the form h3-js
 * takes without parsing a string first. Functions write into a caller-owned
 * pair so a whole vector is decoded without allocating one array per row.
 */
export type SplitLong = [low: number, high: number];

/**
 * The SQL types a cell argument comes in, as the DuckDB h3 extension accepts
 * them: UBIGINT and BIGINT (the same 64 bits) and VARCHAR (hex text).
 */
export const CELL_KINDS = ['ubigint', 'bigint', 'varchar'] as const;
export type CellKind = (typeof CELL_KINDS)[number];

/** Encodes and decodes cells of one SQL type. */
export interface CellCodec {
  readonly kind: CellKind;
  /** DuckDB type of a cell of this kind, as argument and as result. */
  readonly type: DuckDBType;
  /**
   * Decodes a non-NULL SQL value into `out`. Returns false when a VARCHAR is
   * not hexadecimal at all (the extension's `stringToH3` failing).
   */
  decode(value: unknown, out: SplitLong): boolean;
  /** Encodes an h3-js index string as a value of this kind. */
  encode(h3: string): bigint | string;
}

const LOW_MASK = 0xffffffffn;
const TWO_POW_32 = 0x1_0000_0000;

/** Splits an unsigned or signed 64-bit integer into `out`, keeping its 64 bits. */
export function bigintToSplitLong(value: bigint, out: SplitLong): SplitLong {
  out[0] = Number(value & LOW_MASK);
  out[1] = Number((value >> 32n) & LOW_MASK);
  return out;
}

/** The unsigned 64-bit value of a split index. */
export function splitLongToBigInt(low: number, high: number): bigint {
  return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
}

/**
 * Formats an index like H3's `h3ToString` (`printf("%llx")`): lowercase hex
 * without leading zeros, so `1` is `"1"`.
 */
export function formatH3String(low: number, high: number): string {
  if (high === 0) {
    return (low >>> 0).toString(16);
  }
  return (high >>> 0).toString(16) + (low >>> 0).toString(16).padStart(8, '0');
}

function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  if (code >= 65 && code <= 70) return code - 55; // A-F
  return -1;
}

function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13);
}

/**
 * Parses a hex string the way H3's `stringToH3` does (`sscanf("%" SCNx64)`):
 * leading whitespace, an optional sign and `0x` prefix, then as many hex
 * digits as there are; trailing text is ignored. Values past 64 bits
 * saturate to `0xffffffffffffffff` (glibc `strtoull`), a leading `-`
 * negates modulo 2^64. Returns false when no digit could be read.
 */
export function parseH3String(text: string, out: SplitLong): boolean {
  const length = text.length;
  let i = 0;
  while (i < length && isSpace(text.charCodeAt(i))) i++;
  let negative = false;
  const sign = text.charCodeAt(i);
  if (sign === 43 || sign === 45) {
    negative = sign === 45;
    i++;
  }
  if (text.charCodeAt(i) === 48 && (text.charCodeAt(i + 1) | 0x20) === 120 && hexDigit(text.charCodeAt(i + 2)) >= 0) {
    i += 2; // "0x" prefix, only when a digit follows (otherwise the "0" is the number)
  }
  let low = 0;
  let high = 0;
  let digits = 0;
  let overflow = false;
  for (; i < length; i++) {
    const digit = hexDigit(text.charCodeAt(i));
    if (digit < 0) break;
    digits++;
    if (high >= 0x1000_0000) {
      overflow = true;
      continue;
    }
    high = high * 16 + Math.floor(low / 0x1000_0000);
    low = (low % 0x1000_0000) * 16 + digit;
  }
  if (digits === 0) {
    return false;
  }
  if (overflow) {
    out[0] = 0xffffffff;
    out[1] = 0xffffffff;
    return true;
  }
  if (negative && (low !== 0 || high !== 0)) {
    // two's complement of the 64-bit value
    low = TWO_POW_32 - low;
    high = 0xffffffff - high;
    if (low === TWO_POW_32) {
      low = 0;
      high = (high + 1) % TWO_POW_32;
    }
  }
  out[0] = low;
  out[1] = high;
  return true;
}

/** Cell codecs by kind, one per overload family. */
export const CELL_CODECS: Readonly<Record<CellKind, CellCodec>> = {
  ubigint: {
    kind: 'ubigint',
    type: UBIGINT,
    decode: (value, out) => (bigintToSplitLong(value as bigint, out), true),
    encode: valueCodec.h3ToUbigint,
  },
  bigint: {
    kind: 'bigint',
    type: BIGINT,
    decode: (value, out) => (bigintToSplitLong(value as bigint, out), true),
    encode: (h3) => BigInt.asIntN(64, valueCodec.h3ToUbigint(h3)),
  },
  varchar: {
    kind: 'varchar',
    type: VARCHAR,
    decode: (value, out) => parseH3String(value as string, out),
    encode: (h3) => h3,
  },
};

import type { QueryResult } from '../../sql/index.ts';

/** A query result as the API sends it. */
export interface JsonResult {
  columns: { name: string; type: string }[];
  /** One object per row, keys in column order (a repeated column name gets `_2`, `_3`…). */
  rows: Record<string, unknown>[];
  row_count: number;
  /** True when the result had more rows than the server sends; narrow the query. */
  truncated: boolean;
}

/**
 * Converts a query result to plain JSON values: timestamps as RFC 3339 strings, BLOBs as hex,
 * non-finite numbers as null, and 64-bit (or wider) integers exact — per column, JSON numbers when
 * every value of the column is a safe integer (|v| ≤ 2^53 − 1), otherwise strings of their digits
 * (so H3 cells, UBIGINT, always come as strings; counts as numbers).
 */
export function resultToJson(result: QueryResult, maxRows: number): JsonResult {
  const rows = result.rows.slice(0, maxRows);
  const keys = uniqueKeys(result.columns.map((c) => c.name));
  const asString = result.columns.map((_, c) => rows.some((r) => hasUnsafeBigInt(r[c])));
  return {
    columns: result.columns.map((c) => ({ name: c.name, type: c.type })),
    rows: rows.map((r) => Object.fromEntries(r.map((v, c) => [keys[c]!, plain(v, asString[c]!)]))),
    row_count: rows.length,
    truncated: result.rows.length > maxRows,
  };
}

function hasUnsafeBigInt(v: unknown): boolean {
  if (typeof v === 'bigint') return v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER);
  if (Array.isArray(v)) return v.some(hasUnsafeBigInt);
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) return Object.values(v).some(hasUnsafeBigInt);
  return false;
}

function plain(v: unknown, bigAsString: boolean): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return bigAsString ? v.toString() : Number(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map((x) => plain(x, bigAsString));
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x, bigAsString)]));
  return v;
}

function uniqueKeys(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((k) => {
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return n === 1 ? k : `${k}_${n}`;
  });
}

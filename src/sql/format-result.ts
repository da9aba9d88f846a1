import { jsonText } from './json-text.ts';
import type { QueryResult } from './query-result.ts';

/** Text formats of {@link formatResult}. (Parquet is written by writeParquet.) */
export const RESULT_FORMATS = ['table', 'csv', 'json'] as const;
export type ResultFormat = (typeof RESULT_FORMATS)[number];

/** Widest cell of the table format; longer text (a GeoJSON geometry…) is cut with `…`. */
const MAX_CELL = 60;

/**
 * Renders a result as text:
 * - `table`: aligned columns for a terminal (numbers right-aligned, NULL shown as `NULL`, long cells cut),
 *   with a row count;
 * - `csv`: RFC 4180 with a header row, NULL as an empty field, lists and structs as JSON;
 * - `json`: an array of row objects, keys in column order, one row per line; 64-bit integers exact
 *   (their digits), lists as arrays, NULL as null, timestamps as ISO 8601 strings.
 */
export function formatResult(result: QueryResult, format: ResultFormat): string {
  const formatters: Record<ResultFormat, (r: QueryResult) => string> = { table, csv, json };
  return formatters[format](result);
}

/** A value as display text: ISO timestamps, bigint digits, JSON for lists and structs. */
function text(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value === 'object' && value !== null) return jsonText(value);
  return String(value);
}

function table({ columns, rows }: QueryResult): string {
  const numeric = columns.map((_, c) => rows.some((r) => typeof r[c] === 'number' || typeof r[c] === 'bigint'));
  const cells = rows.map((r) => r.map((v) => cut(v === null ? 'NULL' : text(v))));
  const widths = columns.map((col, c) => Math.max(col.name.length, ...cells.map((r) => r[c]!.length)));
  const line = (parts: string[]) => parts.map((p, c) => (numeric[c] ? p.padStart(widths[c]!) : p.padEnd(widths[c]!))).join('  ').trimEnd();
  const out = [line(columns.map((c) => c.name)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return out.join('\n') + '\n';
}

function cut(s: string): string {
  const flat = s.replace(/[\r\n\t]+/g, ' ');
  return flat.length > MAX_CELL ? flat.slice(0, MAX_CELL - 1) + '…' : flat;
}

function csv({ columns, rows }: QueryResult): string {
  const field = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const out = [columns.map((c) => field(c.name)).join(',')];
  for (const r of rows) out.push(r.map((v) => (v === null ? '' : field(text(v)))).join(','));
  return out.join('\n') + '\n';
}

function json({ columns, rows }: QueryResult): string {
  const keys = uniqueKeys(columns.map((c) => JSON.stringify(c.name)));
  if (rows.length === 0) return '[]\n';
  const lines = rows.map((r) => `{${r.map((v, c) => `${keys[c]}:${jsonText(v)}`).join(',')}}`);
  return `[\n${lines.join(',\n')}\n]\n`;
}

/** Duplicate column names (`SELECT a, a`) get `_2`, `_3`… so no value is lost in an object. */
function uniqueKeys(keys: string[]): string[] {
  const seen = new Map<string, number>();
  return keys.map((k) => {
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return n === 1 ? k : JSON.stringify(`${JSON.parse(k) as string}_${n}`);
  });
}

import { DuckDBListValue, DuckDBArrayValue, DuckDBMapValue, DuckDBStructValue, DuckDBTypeId } from '@duckdb/node-api';
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';

/**
 * Formats a double like DuckDB's cast to VARCHAR: the shortest digits that
 * read back to the same double; scientific notation (`1e+16`, `1e-05`) when
 * the decimal exponent is below -4 or at least 16, otherwise plain decimals
 * with `.0` on integral values; `nan`, `inf`, `-inf`.
 */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  return formatShortest(value.toExponential());
}

/**
 * Formats a float (single precision) like DuckDB: the shortest digits that
 * read back to the same float, with {@link formatDouble}'s layout.
 */
export function formatFloat(value: number): string {
  if (!Number.isFinite(value) || value === 0) return formatDouble(value);
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = value.toExponential(precision - 1);
    if (Math.fround(Number(candidate)) === value) {
      return formatShortest(Number(candidate).toExponential());
    }
  }
  return formatShortest(value.toExponential());
}

/** Lays out `d.ddde±x` (shortest digits from `toExponential`) the way DuckDB prints it. */
function formatShortest(exponential: string): string {
  const [mantissa, exponentText] = exponential.split('e') as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? '.' + digits.slice(1) : '';
    const exponentDigits = String(Math.abs(exponent)).padStart(2, '0');
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${exponentDigits}`;
  }
  if (exponent < 0) {
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  if (digits.length <= exponent + 1) {
    return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
  }
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

const QUOTE_TRIGGERS = new Set(['"', "'", '(', ')', ',', ':', '=', '[', ']', '{', '}']);

/**
 * A string inside a LIST/STRUCT/MAP cast to VARCHAR: DuckDB quotes it with
 * `'` (escaping `'` as `\'`) when it is empty, starts or ends with a space,
 * spells NULL in any case, or holds one of `"'(),:=[]{}`.
 */
function formatNestedString(text: string): string {
  let quote = text.length === 0 || text.startsWith(' ') || text.endsWith(' ') || text.toUpperCase() === 'NULL';
  for (let i = 0; !quote && i < text.length; i++) {
    quote = QUOTE_TRIGGERS.has(text[i]!);
  }
  return quote ? `'${text.replaceAll("'", "\\'")}'` : text;
}

function childType(type: DuckDBType): DuckDBType | undefined {
  return 'valueType' in type ? (type.valueType as DuckDBType) : undefined;
}

function formatNested(value: DuckDBValue, type: DuckDBType | undefined): string {
  if (typeof value === 'string') {
    return formatNestedString(value);
  }
  return formatValue(value, type);
}

function formatValue(value: DuckDBValue, type: DuckDBType | undefined): string {
  if (value === null) return 'NULL';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
    case 'string':
      return String(value);
    case 'number':
      if (type?.typeId === DuckDBTypeId.DOUBLE) return formatDouble(value);
      if (type?.typeId === DuckDBTypeId.FLOAT) return formatFloat(value);
      return Number.isInteger(value) ? String(value) : formatDouble(value);
  }
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    const itemType = type === undefined ? undefined : childType(type);
    return '[' + value.items.map((item) => formatNested(item, itemType)).join(', ') + ']';
  }
  if (value instanceof DuckDBStructValue) {
    const types = type?.typeId === DuckDBTypeId.STRUCT ? type : undefined;
    const entries = Object.entries(value.entries).map(([key, entry]) => {
      const entryType = types === undefined ? undefined : types.entryTypes[types.indexForEntry(key)];
      return `'${key.replaceAll("'", "\\'")}': ${formatNested(entry, entryType)}`;
    });
    return '{' + entries.join(', ') + '}';
  }
  if (value instanceof DuckDBMapValue) {
    const types = type?.typeId === DuckDBTypeId.MAP ? type : undefined;
    const entries = value.entries.map(
      ({ key, value: entry }) => `${formatNested(key, types?.keyType)}=${formatNested(entry, types?.valueType)}`,
    );
    return '{' + entries.join(', ') + '}';
  }
  return String(value);
}

/**
 * Formats a result value as DuckDB's `CAST(value AS VARCHAR)` prints it,
 * which is what DuckDB's sqllogictest runner compares against the expected
 * text: `NULL`, `true`/`false`, shortest-round-trip doubles, lists as
 * `[a, b]` with strings quoted only when needed, structs as `{'k': v}`.
 * Types the runner does not meet in practice (dates, intervals, …) fall back
 * to the node client's `toString`.
 */
export function formatDuckDBValue(value: DuckDBValue, type: DuckDBType): string {
  return formatValue(value, type);
}

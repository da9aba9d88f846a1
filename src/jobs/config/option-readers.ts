import { parseDuration } from '../../core/duration.ts';

type Raw = Readonly<Record<string, unknown>>;

/** Rejects keys a job does not know, so a typo in the config file is not silently ignored. */
export function checkKnownKeys(raw: Raw, known: readonly string[], where: string): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) throw new RangeError(`${where}: unknown option "${key}" (known: ${known.join(', ')})`);
  }
}

/** A number option: `def` when absent; must be finite, within bounds, and an integer when asked. */
export function readNumber(raw: Raw, key: string, def: number, where: string, bounds: { min?: number; max?: number; integer?: boolean } = {}): number {
  const v = raw[key] ?? def;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${where}.${key}: expected a number, got ${JSON.stringify(v)}`);
  if (bounds.integer && !Number.isInteger(v)) throw new RangeError(`${where}.${key}: expected an integer, got ${v}`);
  if (bounds.min !== undefined && v < bounds.min) throw new RangeError(`${where}.${key}: must be ≥ ${bounds.min}, got ${v}`);
  if (bounds.max !== undefined && v > bounds.max) throw new RangeError(`${where}.${key}: must be ≤ ${bounds.max}, got ${v}`);
  return v;
}

/** A string option, or `def` when absent (`null` allowed as a default meaning "automatic"). */
export function readString<D extends string | null>(raw: Raw, key: string, def: D, where: string): string | D {
  const v = raw[key];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'string' || v === '') throw new RangeError(`${where}.${key}: expected a non-empty string, got ${JSON.stringify(v)}`);
  return v;
}

/** A duration option (`"30d"`, `"15m"`, or a number of ms) in ms. */
export function readDuration(raw: Raw, key: string, def: string, where: string): number {
  const v = raw[key] ?? def;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  if (typeof v !== 'string') throw new RangeError(`${where}.${key}: expected a duration such as "15m" or "30d", got ${JSON.stringify(v)}`);
  return parseDuration(v, `${where}.${key}`);
}

/** A list of values from a closed set; `def` when absent. */
export function readList<T extends string>(raw: Raw, key: string, allowed: readonly T[], def: readonly T[], where: string): T[] {
  const v = raw[key] ?? def;
  if (!Array.isArray(v) || v.some((x) => !allowed.includes(x as T))) {
    throw new RangeError(`${where}.${key}: expected a list of ${allowed.join(' | ')}, got ${JSON.stringify(v)}`);
  }
  return [...new Set(v as T[])];
}

/** One value of a closed set; `def` when absent. */
export function readChoice<T extends string>(raw: Raw, key: string, allowed: readonly T[], def: T, where: string): T {
  const v = raw[key] ?? def;
  if (!allowed.includes(v as T)) throw new RangeError(`${where}.${key}: expected ${allowed.join(' | ')}, got ${JSON.stringify(v)}`);
  return v as T;
}

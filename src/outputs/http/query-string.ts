import { ApiError } from './api-error.ts';

/**
 * The query string of one request, read strictly: every parameter at most once, none the endpoint
 * does not know (a typo is an error naming it, not a silently ignored filter).
 */
export class QueryString {
  readonly #params: URLSearchParams;

  /**
   * @param allowed the endpoint's parameter names; `null` allows any (named queries check their own).
   * @throws ApiError 400 naming an unknown or repeated parameter.
   */
  constructor(params: URLSearchParams, allowed: readonly string[] | null) {
    this.#params = params;
    const seen = new Set<string>();
    for (const name of params.keys()) {
      if (seen.has(name)) throw new ApiError('bad_parameter', `parameter ${name} is given more than once`, { parameter: name });
      seen.add(name);
      if (allowed && !allowed.includes(name)) {
        throw new ApiError('bad_parameter', `unknown parameter ${name} (this endpoint takes: ${allowed.join(', ') || 'none'})`, { parameter: name });
      }
    }
  }

  /** The raw value, or undefined when absent or empty. */
  get(name: string): string | undefined {
    const v = this.#params.get(name);
    return v === null || v === '' ? undefined : v;
  }

  /** Every parameter as name → value. */
  entries(): [string, string][] {
    return [...this.#params.entries()];
  }

  /**
   * An integer in [min, max], or `fallback` when absent.
   * @throws ApiError 400 naming the parameter.
   */
  int(name: string, min: number, max: number, fallback: number): number {
    const raw = this.get(name);
    if (raw === undefined) return fallback;
    const n = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new ApiError('bad_parameter', `${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`, { parameter: name });
    return n;
  }

  /**
   * One of `values`, or `fallback` when absent.
   * @throws ApiError 400 naming the parameter and the values it takes.
   */
  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const raw = this.get(name);
    if (raw === undefined) return fallback;
    if (!(values as readonly string[]).includes(raw)) throw new ApiError('bad_parameter', `${name} must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`, { parameter: name });
    return raw as T;
  }

  /**
   * An instant as epoch ms: RFC 3339 / ISO 8601 (`2026-03-02T08:00:00Z`, `2026-03-02`) or epoch ms digits.
   * Undefined when absent.
   * @throws ApiError 400 naming the parameter.
   */
  time(name: string): number | undefined {
    const raw = this.get(name);
    return raw === undefined ? undefined : parseInstant(raw, name);
  }

  /**
   * The k-anonymity threshold of this request: the server's k, or a stricter (larger) one the client asks for.
   * @throws ApiError 400 when k is below the server's.
   */
  k(serverK: number): number {
    const raw = this.get('k');
    if (raw === undefined) return serverK;
    const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isSafeInteger(n) || n < serverK) {
      throw new ApiError('bad_parameter', `k must be an integer ≥ ${serverK} (this server's k-anonymity threshold), got ${JSON.stringify(raw)}`, { parameter: 'k' });
    }
    return n;
  }
}

/**
 * An instant (RFC 3339 / ISO 8601 or epoch ms digits) → epoch ms.
 * @throws ApiError 400 naming `name`.
 */
export function parseInstant(raw: string, name: string): number {
  if (/^\d{10,}$/.test(raw)) return Number(raw);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw new ApiError('bad_parameter', `${name}: cannot read time ${JSON.stringify(raw)} (use RFC 3339, e.g. 2026-03-02T08:00:00Z, or epoch ms)`, { parameter: name });
  return ms;
}

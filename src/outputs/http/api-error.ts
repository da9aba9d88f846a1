import { CitypulseError, type ErrorKind } from '../../core/citypulse-error.ts';

/** The `error` codes of API error bodies, and the HTTP status each one goes with. */
export const API_ERROR_STATUS = {
  bad_parameter: 400,
  not_found: 404,
  method_not_allowed: 405,
  response_too_large: 413,
  query_timeout: 503,
  unavailable: 503,
  internal: 500,
} as const;
export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** The {@link ErrorKind} of each API error code (the status stays the code's own). */
const API_ERROR_KIND: Record<ApiErrorCode, ErrorKind> = {
  bad_parameter: 'usage',
  not_found: 'not_found',
  method_not_allowed: 'usage',
  response_too_large: 'usage',
  query_timeout: 'internal',
  unavailable: 'internal',
  internal: 'internal',
};

/** Context of an {@link ApiError}. */
export interface ApiErrorContext {
  /** The query-string or path parameter at fault (400). */
  parameter?: string;
  cause?: unknown;
}

/**
 * An error the API answers with: JSON `{error, detail[, parameter]}` and the status of its code.
 * `detail` is shown to clients, so it never holds a stack, a server path or SQL.
 * @example throw new ApiError('bad_parameter', 'res must be one of 7, 8, 9, got 12', { parameter: 'res' })
 */
export class ApiError extends CitypulseError {
  override name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly parameter: string | undefined;

  constructor(code: ApiErrorCode, detail: string, context: ApiErrorContext = {}) {
    super(detail, { kind: API_ERROR_KIND[code], retriable: code === 'unavailable' || code === 'query_timeout', cause: context.cause, parameter: context.parameter });
    this.code = code;
    this.parameter = context.parameter;
  }

  override get httpStatus(): number {
    return API_ERROR_STATUS[this.code];
  }

  get status(): number {
    return API_ERROR_STATUS[this.code];
  }

  /** The response body. */
  toJSON(): { error: ApiErrorCode; detail: string; parameter?: string } {
    return { error: this.code, detail: this.message, ...(this.parameter ? { parameter: this.parameter } : {}) };
  }
}

/**
 * The API's answer to any error: an ApiError as it is; another citypulse error of the client's making
 * (kind `usage` → 400, `not_found` → 404) with its message, server paths cut to file names; anything
 * else a 500 whose detail says nothing (the server log has it).
 */
export function apiErrorOf(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof CitypulseError && (err.kind === 'usage' || err.kind === 'not_found')) {
    const detail = err.message.replace(/(?:\/[\w.@-]+)+\/([\w.@-]+)/g, '$1');
    return new ApiError(err.kind === 'usage' ? 'bad_parameter' : 'not_found', detail, { cause: err });
  }
  return new ApiError('internal', 'internal server error; see the server log', { cause: err });
}

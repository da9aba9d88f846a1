/**
 * What kind of failure an error is; decides the CLI exit code and the HTTP status.
 * - `usage`: the user's input (a flag, a file, a parameter) is wrong → exit 2, HTTP 400;
 * - `not_found`: something named does not exist (a zone system, a query) → exit 2, HTTP 404;
 * - `forbidden`/`unauthorized`: access control → exit 2, HTTP 403/401;
 * - `conflict`: the request contradicts stored state (a different key, another window size) → exit 2, HTTP 409;
 * - `internal`: anything else → exit 1, HTTP 500.
 */
export const ERROR_KINDS = ['usage', 'not_found', 'unauthorized', 'forbidden', 'conflict', 'internal'] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Exit code per {@link ErrorKind}: user-input errors 2, other failures 1. */
export const EXIT_CODE: Record<ErrorKind, number> = { usage: 2, not_found: 2, unauthorized: 2, forbidden: 2, conflict: 2, internal: 1 };
/** HTTP status per {@link ErrorKind}. */
export const HTTP_STATUS: Record<ErrorKind, number> = { usage: 400, not_found: 404, unauthorized: 401, forbidden: 403, conflict: 409, internal: 500 };

/** Options of a {@link CitypulseError}: a cause, the retriable flag, and any context fields. */
export interface CitypulseErrorOptions {
  cause?: unknown;
  /** True when trying again later may succeed (a broker outage); false for bad input. Default false. */
  retriable?: boolean;
  kind?: ErrorKind;
  /** Where it happened: file, flag, topic, partition, offset… Never raw subscriber identifiers. */
  [context: string]: unknown;
}

/**
 * The base of every citypulse error: a message for humans, a `cause`, a `retriable` flag (kafkajs'
 * idea: retry vs dead-letter/stop), a {@link kind} that maps to an exit code and an HTTP status, and
 * context fields.
 *
 * @example
 * throw new CitypulseError('cell table has no cell_id column', { kind: 'usage', file: 'cells.csv' });
 */
export class CitypulseError extends Error {
  override name = 'CitypulseError';
  readonly kind: ErrorKind;
  readonly retriable: boolean;
  readonly context: Record<string, unknown>;

  constructor(message: string, options: CitypulseErrorOptions = {}) {
    const { cause, retriable, kind, ...context } = options;
    super(message, cause === undefined ? undefined : { cause });
    this.kind = kind ?? 'internal';
    this.retriable = retriable ?? false;
    this.context = context;
  }

  /** The CLI exit code for this error. */
  get exitCode(): number {
    return EXIT_CODE[this.kind];
  }

  /** The HTTP status for this error. */
  get httpStatus(): number {
    return HTTP_STATUS[this.kind];
  }
}

/** Wrong input from the user (a flag, a file, a parameter): exit 2, HTTP 400. */
export class UserInputError extends CitypulseError {
  override name = 'UserInputError';
  constructor(message: string, options: CitypulseErrorOptions = {}) {
    super(message, { kind: 'usage', ...options });
  }
}

/** True when `err` says trying again may help (a citypulse error marked retriable, or a kafkajs retriable error). */
export function isRetriable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true;
}

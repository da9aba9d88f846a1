import { CitypulseError, EXIT_CODE, type ErrorKind } from '../core/citypulse-error.ts';

/** What the CLI says about a failure: one line, its kind and exit code. */
export interface ErrorDescription {
  /** The message with its cause chain folded in (`a: b: c`), each cause once. */
  message: string;
  kind: ErrorKind;
  exitCode: number;
}

/** Node's file-system codes that mean the user named a wrong path. */
const USER_FS_CODES = new Set(['ENOENT', 'EISDIR', 'ENOTDIR', 'EACCES', 'EPERM']);

/**
 * One line for an error: its message followed by each cause's message that the text does not already
 * contain (DuckDB and Node messages are often repeated by the wrapper), and the exit code of its
 * {@link ErrorKind} — user input 2, anything else 1.
 * @example describeError(new UsageError('--db is required')) // { message: '--db is required', kind: 'usage', exitCode: 2 }
 */
export function describeError(err: unknown): ErrorDescription {
  const kind: ErrorKind =
    err instanceof CitypulseError ? err.kind : USER_FS_CODES.has(String((err as { code?: unknown } | null)?.code)) ? 'usage' : 'internal';
  let message = messageOf(err);
  const seen = new Set<unknown>([err]);
  let cause = (err as { cause?: unknown } | null)?.cause;
  for (let depth = 0; cause !== undefined && cause !== null && !seen.has(cause) && depth < 8; depth++) {
    seen.add(cause);
    const text = messageOf(cause).split('\n')[0]!.trim();
    // A wrapper often quotes its cause (or the cause's opening words): say it once.
    if (text && !message.includes(text) && !(text.length > 40 && message.includes(text.slice(0, 40)))) message += `: ${text}`;
    cause = (cause as { cause?: unknown }).cause;
  }
  return { message: message.replace(/\s*\n\s*/g, ' '), kind, exitCode: EXIT_CODE[kind] };
}

function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message.trim();
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') return (err as { message: string }).message.trim();
  return String(err);
}

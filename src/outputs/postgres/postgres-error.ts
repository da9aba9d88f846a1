import { CitypulseError } from '../../core/citypulse-error.ts';

/** Connection-level failures that may pass by waiting (the server restarts, the network returns). */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', '57P01', '57P02', '57P03', '08000', '08003', '08006', '08001', '08004', '40001', '40P01', '53300']);

/**
 * Wraps a `pg` failure into a {@link CitypulseError} that names the flag and the (password-masked)
 * server, says what to do for the common cases, and is `retriable` when waiting may help.
 */
export function postgresError(err: unknown, what: string, maskedUrl: string, flag = '--postgres'): CitypulseError {
  if (err instanceof CitypulseError) return err;
  const e = err as { code?: string; message?: string };
  const code = e.code ?? '';
  const hint =
    code === 'ECONNREFUSED' ? ' (is the server running and listening there?)'
    : code === 'ENOTFOUND' ? ' (unknown host)'
    : code === '3D000' ? ' (create it first: createdb, or CREATE DATABASE)'
    : code === '28P01' || code === '28000' ? ' (authentication failed: check the user and password)'
    : code === '42501' ? ' (the user lacks a privilege: it needs CREATE on the database, or the schema created by an owner)'
    : '';
  return new CitypulseError(`${flag} ${maskedUrl}: ${what} failed: ${e.message ?? String(err)}${hint}`, {
    cause: err,
    retriable: TRANSIENT_CODES.has(code) || /timeout|terminat|Connection/i.test(e.message ?? ''),
    flag,
    code,
  });
}

import { CitypulseError } from '../../core/citypulse-error.ts';
import { openDatabase, type Database, type OpenOptions } from '../../outputs/duckdb/open.ts';
import type { Clock } from '../../core/clock.ts';

/** The database file is held by another process (DuckDB admits one read-write process per file). */
export class DatabaseBusyError extends CitypulseError {
  override name = 'DatabaseBusyError';
  readonly path: string;
  constructor(path: string, waitedMs: number, cause: unknown) {
    super(`database ${path} is held by another process (waited ${waitedMs} ms)`, { kind: 'conflict', retriable: true, cause, path });
    this.path = path;
  }
}

/** True for DuckDB's "Could not set lock on file … Conflicting lock is held" error. */
export function isLockConflict(err: unknown): boolean {
  return err instanceof Error && /Could not set lock on file|Conflicting lock/i.test(err.message);
}

/**
 * Opens a DuckDB file, waiting while another process holds it: 25 ms, then doubling up to 1 s,
 * for at most `busyTimeoutMs`. Other errors are thrown at once.
 * @throws DatabaseBusyError when the file stays held.
 */
export async function openWithRetry(path: string, options: OpenOptions, busyTimeoutMs: number, clock: Clock, signal?: AbortSignal): Promise<Database> {
  const started = clock.now();
  for (let wait = 25; ; wait = Math.min(wait * 2, 1000)) {
    try {
      return await openDatabase(path, options);
    } catch (err) {
      const waited = clock.now() - started;
      if (!isLockConflict(err) || waited >= busyTimeoutMs || signal?.aborted) {
        throw isLockConflict(err) ? new DatabaseBusyError(path, waited, err) : err;
      }
      await clock.sleep(Math.min(wait, busyTimeoutMs - waited), signal);
    }
  }
}

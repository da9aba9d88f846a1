import type { Database, OpenOptions } from '../outputs/duckdb/open.ts';
import type { JobEnvironment } from './job-definition.ts';
import { systemClock } from '../core/clock.ts';
import { openWithRetry } from './store/open-with-retry.ts';

/**
 * Opens the pipeline database for a job, waiting up to `env.busyTimeoutMs` while another process
 * holds the file (another scheduler's bookkeeping, a `citypulse sql` session). The caller closes it.
 * @throws DatabaseBusyError (retriable) when the file stays held.
 */
export function openJobDatabase(env: JobEnvironment, signal: AbortSignal, options: OpenOptions = {}): Promise<Database> {
  return openWithRetry(env.db, options, env.busyTimeoutMs, systemClock, signal);
}

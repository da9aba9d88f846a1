import type { JobRun } from './job-run.ts';

/** The outcome of {@link JobStore.acquire}. */
export const ACQUIRE_RESULTS = ['acquired', 'held', 'settled'] as const;
export type AcquireResult = (typeof ACQUIRE_RESULTS)[number];

/**
 * Where the scheduler keeps run history and job locks: the subset of storage it needs. The DuckDB
 * implementation keeps them in the tables `job_runs` and `job_locks` of the pipeline's database.
 */
export interface JobStore {
  /** Per job, the latest `scheduled_for` among runs with a settled status (see `SETTLED_STATUSES`). */
  lastSettled(): Promise<Map<string, number>>;
  /**
   * Atomically: unless `run.job` is locked by another owner whose lease has not expired, or the slot is
   * already settled (checked unless `run.trigger` is `manual`: asking by hand re-runs a slot), take
   * (or renew) the lock until `leaseUntil` and insert `run` (status `running`).
   * Rows of the job still `running` under an expired lock, or under `run.owner` itself, are marked
   * `abandoned`: no live attempt owns them.
   */
  acquire(run: JobRun, leaseUntil: number): Promise<AcquireResult>;
  /** Updates the row of `run` (same job, slot, attempt, owner and start); with `release`, drops the lock `run.owner` holds. */
  finish(run: JobRun, release: boolean): Promise<void>;
  /** Inserts a row not tied to a lock (skipped slots). */
  insert(run: JobRun): Promise<void>;
}

/**
 * Statuses of a row of `job_runs`, one row per attempt (and one per batch of skipped slots):
 * - `running`   — the attempt is under way (or its process died; the lock's expiry tells);
 * - `succeeded` — the attempt finished;
 * - `retrying`  — the attempt failed and another follows after a backoff;
 * - `failed`    — the last allowed attempt failed, or the error was not retriable;
 * - `aborted`   — stopped by shutdown or by its lease running out; the slot is due again;
 * - `abandoned` — found `running` under an expired lock (its process died), or under our own (the
 *   step that records its end failed);
 * - `skipped`   — missed slots given up by the `skip` policy or the catch-up bound.
 */
export const JOB_RUN_STATUSES = ['running', 'succeeded', 'retrying', 'failed', 'aborted', 'abandoned', 'skipped'] as const;
export type JobRunStatus = (typeof JOB_RUN_STATUSES)[number];

/** Statuses that settle a slot: a later scheduler will not run it again. */
export const SETTLED_STATUSES: readonly JobRunStatus[] = ['succeeded', 'failed', 'skipped'];

/** What started a run. */
export const RUN_TRIGGERS = ['schedule', 'catch_up', 'manual'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

/** One row of `job_runs`. Times are epoch ms. */
export interface JobRun {
  job: string;
  /** The schedule slot this run serves (for a manual run: the `--for` time, else when it was asked). */
  scheduledFor: number;
  attempt: number;
  status: JobRunStatus;
  trigger: RunTrigger;
  /** Who ran it: `host:pid:random`. */
  owner: string;
  started: number;
  finished: number | null;
  /** Rows (or files) the job reports having produced or deleted. */
  rows: number | null;
  error: string | null;
  /** The job's own summary (JSON or text), e.g. files written or rows deleted per table. */
  detail: string | null;
}

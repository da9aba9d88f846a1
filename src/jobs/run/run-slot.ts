import { backoffDelay } from './backoff.ts';
import type { Clock } from '../../core/clock.ts';
import type { JobEvent, JobLogger } from './job-event.ts';
import type { JobRun, JobRunStatus, RunTrigger } from './job-run.ts';
import type { JobStore } from './job-store.ts';
import type { JobResult } from './job-task.ts';
import type { ScheduledJob } from './scheduled-job.ts';

/** Everything {@link runSlot} needs. */
export interface RunSlotRequest {
  job: ScheduledJob;
  scheduledFor: number;
  trigger: RunTrigger;
  store: JobStore;
  clock: Clock;
  owner: string;
  /** Graceful stop: the attempt in hand finishes, no retry follows. */
  stopSignal: AbortSignal;
  /** Forced stop: the attempt's own signal aborts. */
  abortSignal: AbortSignal;
  log: JobLogger;
}

/**
 * How a slot ended: the status of its last row, or why it did not run here — `held` (another process
 * holds the job's lock), `settled` (already done), `overlap` (already queued or running in this
 * process), `unavailable` (the store could not be reached, e.g. the database is busy; `error` says why).
 */
export interface RunOutcome {
  status: JobRunStatus | 'held' | 'settled' | 'overlap' | 'unavailable';
  attempts: number;
  rows: number | null;
  error: string | null;
}

/** Raised into an attempt's signal when its lease runs out. */
export class LeaseExpiredError extends Error {
  override name = 'LeaseExpiredError';
}

/**
 * Runs one slot of a job: takes the job's lock, runs attempts with exponential backoff between them,
 * and records every attempt in the store. Never throws for a job's failure (it is recorded); throws
 * only when the store itself fails.
 */
export async function runSlot(req: RunSlotRequest): Promise<RunOutcome> {
  const { job, store, clock } = req;
  for (let attempt = 1; ; attempt++) {
    const run: JobRun = {
      job: job.name,
      scheduledFor: req.scheduledFor,
      attempt,
      status: 'running',
      trigger: req.trigger,
      owner: req.owner,
      started: clock.now(),
      finished: null,
      rows: null,
      error: null,
      detail: null,
    };
    const got = await store.acquire(run, run.started + job.leaseMs);
    if (got !== 'acquired') {
      req.log({ type: got === 'held' ? 'slot.held' : 'slot.settled', job: job.name, scheduledFor: req.scheduledFor });
      return { status: got, attempts: attempt - 1, rows: null, error: null };
    }
    req.log({ type: 'attempt.start', job: job.name, scheduledFor: req.scheduledFor, attempt, trigger: req.trigger });
    const { result, error, aborted } = await attemptOnce(req, attempt);
    run.finished = clock.now();
    run.rows = result?.rows ?? null;
    run.detail = result?.detail === undefined ? null : typeof result.detail === 'string' ? result.detail : JSON.stringify(result.detail);
    run.error = error === undefined ? null : describeError(error);
    run.status = statusOf(req, attempt, error, aborted);
    const retryInMs = run.status === 'retrying' ? backoffDelay(attempt, job.retry) : null;
    await store.finish(run, retryInMs === null);
    const end: JobEvent = { type: 'attempt.end', job: job.name, scheduledFor: req.scheduledFor, attempt, status: run.status, ms: run.finished - run.started, rows: run.rows, error: run.error, retryInMs };
    req.log(end);
    if (retryInMs === null) return { status: run.status, attempts: attempt, rows: run.rows, error: run.error };
    await clock.sleep(retryInMs, req.stopSignal);
    if (req.stopSignal.aborted) {
      // Shutting down during the backoff: the slot stays unsettled (`retrying`) and is due again later.
      await store.finish(run, true);
      return { status: run.status, attempts: attempt, rows: run.rows, error: run.error };
    }
  }
}

async function attemptOnce(req: RunSlotRequest, attempt: number): Promise<{ result?: JobResult; error?: unknown; aborted: boolean }> {
  const controller = new AbortController();
  const forward = () => controller.abort(req.abortSignal.reason);
  req.abortSignal.addEventListener('abort', forward, { once: true });
  if (req.abortSignal.aborted) forward();
  const leaseDone = new AbortController();
  void req.clock.sleep(req.job.leaseMs, leaseDone.signal).then(() => {
    if (!leaseDone.signal.aborted) controller.abort(new LeaseExpiredError(`job ${req.job.name} ran past its lease of ${req.job.leaseMs} ms`));
  });
  try {
    const result = await req.job.task({ scheduledFor: req.scheduledFor, attempt, timeZone: req.job.timeZone, signal: controller.signal });
    return { result, aborted: false };
  } catch (error) {
    return { error, aborted: controller.signal.aborted };
  } finally {
    leaseDone.abort();
    req.abortSignal.removeEventListener('abort', forward);
  }
}

function statusOf(req: RunSlotRequest, attempt: number, error: unknown, aborted: boolean): JobRunStatus {
  if (error === undefined) return 'succeeded';
  if (aborted || req.stopSignal.aborted) return 'aborted';
  const retriable = (error as { retriable?: unknown } | null)?.retriable !== false;
  return retriable && attempt < req.job.retry.maxAttempts ? 'retrying' : 'failed';
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (caused by: ${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}

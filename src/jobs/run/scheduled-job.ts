import type { CronSchedule } from '../schedule/cron-schedule.ts';
import type { CatchUpPolicy } from '../schedule/plan-runs.ts';
import type { RetryConfig } from './backoff.ts';
import type { JobTask } from './job-task.ts';

/** A job as the scheduler runs it: resolved settings plus its bound code. */
export interface ScheduledJob {
  name: string;
  schedule: CronSchedule;
  /** IANA zone the schedule is read in. */
  timeZone: string;
  policy: CatchUpPolicy;
  retry: RetryConfig;
  /**
   * How long one attempt may hold the job's lock, in ms. An attempt still running at the end is
   * aborted, so a lock never outlives the work it guards (a dead process's lock frees itself).
   */
  leaseMs: number;
  /** A slot at most this old when its turn comes is on time, not missed, in ms. */
  graceMs: number;
  /** The most missed slots `catch_up` runs after downtime (the newest); older ones are skipped. */
  maxCatchUp: number;
  task: JobTask;
}

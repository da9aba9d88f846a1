import { CitypulseError, type CitypulseErrorOptions } from '../../core/citypulse-error.ts';

/** What a job's code receives for one attempt. */
export interface JobTaskContext {
  /** The slot this run serves, epoch ms: the job's "now" (e.g. windows closed by then). */
  scheduledFor: number;
  /** 1 for the first attempt. */
  attempt: number;
  /** Time zone of the job's schedule, for calendar logic such as "yesterday". */
  timeZone: string;
  /**
   * Aborts when the job must stop early: a forced shutdown or its lease running out. A graceful
   * shutdown (first SIGTERM) does not abort it: the attempt in hand finishes.
   */
  signal: AbortSignal;
}

/** What a job reports: a count for `job_runs.rows` and an optional summary for `job_runs.detail`. */
export interface JobResult {
  rows: number;
  /** Serialised as JSON unless it is a string. */
  detail?: unknown;
  /**
   * Files this run wrote for someone to read (reports, exports, the analyst database): `citypulse jobs`
   * records each with its SHA-256 in the signed admin ledger beside the database.
   */
  files?: string[];
}

/** The code of a job, bound to its configuration. */
export type JobTask = (ctx: JobTaskContext) => Promise<JobResult>;

/**
 * An error a job throws to say "do not retry" (bad configuration, missing input that will not appear
 * by itself). Any error with `retriable: false` is treated the same way.
 */
export class JobError extends CitypulseError {
  override name = 'JobError';
  /** Retriable unless `retriable: false` is given (a job's failure is usually worth another attempt). */
  constructor(message: string, options: CitypulseErrorOptions = {}) {
    super(message, { ...options, retriable: options.retriable ?? true });
  }
}

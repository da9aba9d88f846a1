import type { CatchUpPolicy } from './schedule/plan-runs.ts';
import type { JobResult, JobTaskContext } from './run/job-task.ts';

/** Where jobs read and write: resolved from `JobsConfig`, shared by every job. */
export interface JobEnvironment {
  /** The pipeline's DuckDB file. */
  db: string;
  /** Root folder for job outputs (each job writes under its own sub-folder). */
  outDir: string;
  /** The Parquet lake folder. */
  lakeDir: string;
  /** How long to wait for the database file while another process holds it, in ms. */
  busyTimeoutMs: number;
}

/**
 * A job the scheduler can run: its defaults, a checker for its `options`, and its code.
 * One per file in `jobs/`, registered in `jobs/index.ts`.
 */
export interface JobDefinition<O = unknown> {
  name: string;
  /** One line for `citypulse jobs list`. */
  summary: string;
  /** Five-field cron expression, read in the configured time zone. */
  defaultSchedule: string;
  defaultPolicy: CatchUpPolicy;
  /**
   * Checks the job's `options` object from the config file and fills in defaults.
   * @throws RangeError naming the option at fault.
   */
  options(raw: Readonly<Record<string, unknown>>): O;
  /** Runs one attempt. Long work checks `ctx.signal`; files and databases are closed in `finally`. */
  run(ctx: JobTaskContext, env: JobEnvironment, options: O): Promise<JobResult>;
}

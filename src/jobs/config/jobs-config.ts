import type { CatchUpPolicy } from '../schedule/plan-runs.ts';

/**
 * Settings of one job in {@link JobsConfig.jobs}. Every field is optional.
 * @example { "schedule": "30 2 * * *", "policy": "catch_up", "retries": { "maxAttempts": 5, "backoff": "1m" } }
 */
export interface JobSettings {
  /** Run the job on its schedule under `citypulse jobs start`. Default true. */
  enabled?: boolean;
  /** Five-field cron expression (minute hour day-of-month month day-of-week). Default: the job's own. */
  schedule?: string;
  /** IANA time zone of this job's schedule. Default: {@link JobsConfig.timeZone}. */
  timeZone?: string;
  /** Missed slots after downtime: `catch_up` runs them, `skip` records them skipped. Default: the job's own. */
  policy?: CatchUpPolicy;
  retries?: {
    /** Attempts per slot, the first included. Default 3. */
    maxAttempts?: number;
    /** Wait before the second attempt (`"30s"`); doubles each time. Default `"30s"`. */
    backoff?: string;
    /** Longest wait between attempts. Default `"15m"`. */
    maxBackoff?: string;
  };
  /** Lease of one attempt: it is aborted when still running after this long. Default `"30m"`. */
  timeout?: string;
  /** A slot at most this late when its turn comes runs as on time (the `skip` policy runs it). Default `"5m"`. */
  grace?: string;
  /** The most missed slots `catch_up` runs after downtime (the newest). Default 96. */
  maxCatchUp?: number;
  /** Options of the job itself; see its file in `jobs/`. Default `{}`. */
  options?: Record<string, unknown>;
}

/**
 * Configuration of `citypulse jobs` — a JSON file (`jobs/jobs.config.json` ships the defaults).
 * Relative paths are read from the working directory.
 * @example { "db": "out/demo/citypulse.duckdb", "timeZone": "Europe/Rome", "jobs": { "retention": { "options": { "maxAge": "90d" } } } }
 */
export interface JobsConfig {
  /** The pipeline's DuckDB file (presence, dead letters, …, plus `job_runs` and `job_locks`). Default `out/demo/citypulse.duckdb`. */
  db?: string;
  /** Where jobs write their files, each under its own folder. Default `out/demo/jobs`. */
  outDir?: string;
  /** The Parquet lake folder (compaction, retention). Default `out/demo/lake`. */
  lakeDir?: string;
  /** IANA time zone schedules are read in (`UTC`, `Europe/Rome`, `Asia/Shanghai`). Default `UTC`. */
  timeZone?: string;
  /** How long to wait for the database while another process holds it. Default `"30s"`. */
  busyTimeout?: string;
  /** Per-job settings, by job name. */
  jobs?: Record<string, JobSettings>;
}

/** Defaults of {@link JobsConfig} and {@link JobSettings}. */
export const JOBS_CONFIG_DEFAULTS = {
  db: 'out/demo/citypulse.duckdb',
  outDir: 'out/demo/jobs',
  lakeDir: 'out/demo/lake',
  timeZone: 'UTC',
  busyTimeout: '30s',
  retries: { maxAttempts: 3, backoff: '30s', maxBackoff: '15m' },
  timeout: '30m',
  grace: '5m',
  maxCatchUp: 96,
} as const;

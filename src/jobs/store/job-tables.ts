/**
 * DDL of the scheduler's tables, kept in the pipeline's DuckDB file next to the data the jobs read.
 * - `job_runs`: one row per attempt (and per batch of skipped slots); see `JOB_RUN_STATUSES`.
 * - `job_locks`: at most one row per job — who may run it, until when (a lease);
 * - `retention_log`: what each retention run destroyed (rows per table, lake partitions, files), kept
 *   when everything else ages out, as the record of the data life-cycle's last step.
 */
export const JOB_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS job_runs (
  job           VARCHAR     NOT NULL,
  scheduled_for TIMESTAMPTZ NOT NULL,
  started       TIMESTAMPTZ NOT NULL,
  finished      TIMESTAMPTZ,
  status        VARCHAR     NOT NULL,
  attempt       INTEGER     NOT NULL,
  rows          BIGINT,
  error         VARCHAR,
  trigger       VARCHAR     NOT NULL,
  owner         VARCHAR     NOT NULL,
  detail        VARCHAR
);
CREATE TABLE IF NOT EXISTS job_locks (
  job      VARCHAR PRIMARY KEY,
  owner    VARCHAR     NOT NULL,
  acquired TIMESTAMPTZ NOT NULL,
  expires  TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS retention_log (
  run_at        TIMESTAMPTZ NOT NULL,
  scheduled_for TIMESTAMPTZ NOT NULL,
  cutoff        TIMESTAMPTZ NOT NULL,
  target        VARCHAR     NOT NULL,
  deleted       BIGINT      NOT NULL
);
`;

/** SQL expression turning a BIGINT epoch-ms parameter into an exact TIMESTAMPTZ (no session time zone involved). */
export function tsParam(name: string): string {
  return `(TIMESTAMPTZ '1970-01-01 00:00:00+00' + to_milliseconds($${name}::BIGINT))`;
}

import { presenceColumnsDdl } from './presence-columns.ts';

/**
 * DDL of the tables citypulse writes. DuckDB-specific SQL lives in this folder only.
 * Times are TIMESTAMPTZ (UTC instants), H3 cells UBIGINT as in DuckDB's h3 extension; the presence
 * columns come from presence-columns.ts.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS presence (
${presenceColumnsDdl()}
);
CREATE TABLE IF NOT EXISTS dead_letters (
  source      VARCHAR NOT NULL,
  position    VARCHAR NOT NULL,
  reason      VARCHAR NOT NULL,
  detail      VARCHAR NOT NULL,
  payload     VARCHAR NOT NULL,
  event_ts    TIMESTAMPTZ,
  ingested_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS late_events (
  event_ts     TIMESTAMPTZ NOT NULL,
  window_start TIMESTAMPTZ NOT NULL,
  watermark    TIMESTAMPTZ NOT NULL,
  h3           UBIGINT     NOT NULL,
  kind         VARCHAR     NOT NULL,
  device       VARCHAR     NOT NULL,
  source       VARCHAR     NOT NULL,
  position     VARCHAR     NOT NULL
);
CREATE TABLE IF NOT EXISTS ingest_runs (
  run_id       VARCHAR PRIMARY KEY,
  command      VARCHAR NOT NULL,
  source       VARCHAR NOT NULL,
  started_at   TIMESTAMPTZ NOT NULL,
  finished_at  TIMESTAMPTZ,
  records_in   BIGINT,
  accepted     BIGINT,
  dead_letters BIGINT,
  late_events  BIGINT,
  windows      BIGINT,
  config       JSON
);
`;

/** The names of the tables above, for `--replace` and retention. */
export const PIPELINE_TABLES = ['presence', 'dead_letters', 'late_events', 'ingest_runs'] as const;

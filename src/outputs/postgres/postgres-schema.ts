/** Version of the PostgreSQL schema this code writes (stored in `citypulse_meta`). */
export const PG_SCHEMA_VERSION = 1;

/** A PostgreSQL identifier citypulse accepts for `--postgres-schema` (lower case, no quoting surprises). */
export const PG_SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * DDL of the PostgreSQL mirror (version {@link PG_SCHEMA_VERSION}), all inside schema `s`; idempotent.
 *
 * Tables (written by `citypulse stream --postgres`):
 * - `citypulse_meta(key, value)`: `schema_version`, `consumer_group` (one group per schema), `k`;
 * - `citypulse_offsets(consumer_group, topic, partition, next_offset, published_until, updated_at)`:
 *   per Kafka partition the next offset whose results are NOT yet here, and the publication frontier of
 *   the process that last wrote it (`infinity` after the end of input);
 * - `presence_partials(topic, partition, <presence columns>)`: closed-window rows per partition,
 *   keyed by (topic, partition, window_start, h3), so a replay upserts the same values;
 * - `od_partials(topic, partition, departure_hour, origin, destination, trips)`: hourly OD per partition;
 * - `alerts`: the crowd alerts, keyed (alert_id, seq), columns as DuckDB's `alerts`.
 *
 * Views:
 * - `presence`: the columns of DuckDB's `presence`; partials summed over partitions for the windows
 *   every partition has published (`window_end <= citypulse_frontier.published_until`);
 * - `presence_released`: the k-safe view for BI tools (`present >= k` per base cell, nothing else);
 * - `od_h3_hourly`: hourly OD summed over partitions (operator-side, like DuckDB's);
 * - `citypulse_frontier`: the group's frontier (the smallest partition frontier; null while a
 *   partition has published nothing).
 *
 * H3 cells are `bigint` (PostgreSQL has no unsigned 64-bit type; every H3 index is below 2^63, so the
 * value is the same as DuckDB's UBIGINT). Times are `timestamptz`.
 */
export function pgSchemaSql(s: string): string {
  const q = `"${s}"`;
  return `
CREATE SCHEMA IF NOT EXISTS ${q};
CREATE TABLE IF NOT EXISTS ${q}.citypulse_meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE IF NOT EXISTS ${q}.citypulse_offsets (
  consumer_group  text        NOT NULL,
  topic           text        NOT NULL,
  "partition"     integer     NOT NULL,
  next_offset     bigint      NOT NULL,
  published_until timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, topic, "partition")
);
CREATE TABLE IF NOT EXISTS ${q}.presence_partials (
  topic        text        NOT NULL,
  "partition"  integer     NOT NULL,
  window_start timestamptz NOT NULL,
  window_end   timestamptz NOT NULL,
  h3           bigint      NOT NULL,
  res          smallint    NOT NULL,
  present      integer     NOT NULL,
  active       integer     NOT NULL,
  events       integer     NOT NULL,
  PRIMARY KEY (topic, "partition", window_start, h3)
);
CREATE INDEX IF NOT EXISTS presence_partials_window ON ${q}.presence_partials (window_start, h3);
CREATE TABLE IF NOT EXISTS ${q}.od_partials (
  topic          text        NOT NULL,
  "partition"    integer     NOT NULL,
  departure_hour timestamptz NOT NULL,
  origin         bigint      NOT NULL,
  destination    bigint      NOT NULL,
  trips          integer     NOT NULL,
  PRIMARY KEY (topic, "partition", departure_hour, origin, destination)
);
CREATE TABLE IF NOT EXISTS ${q}.alerts (
  alert_id            text        NOT NULL,
  seq                 integer     NOT NULL,
  area_id             text        NOT NULL,
  area_name           text        NOT NULL,
  kind                text        NOT NULL,
  level               text        NOT NULL,
  previous_level      text,
  peak_level          text        NOT NULL,
  state               text        NOT NULL,
  window_start        timestamptz NOT NULL,
  window_end          timestamptz NOT NULL,
  opened_window_start timestamptz NOT NULL,
  devices             integer     NOT NULL,
  people              integer     NOT NULL,
  capacity            integer     NOT NULL,
  occupancy           double precision NOT NULL,
  area_km2            double precision NOT NULL,
  density_per_km2     double precision NOT NULL,
  value               double precision,
  threshold           double precision NOT NULL,
  forecast_people     integer,
  forecast_at         timestamptz,
  baseline_people     double precision,
  z_score             double precision,
  message             text        NOT NULL,
  window_closed_at    timestamptz NOT NULL,
  emitted_at          timestamptz NOT NULL,
  PRIMARY KEY (alert_id, seq)
);
CREATE OR REPLACE VIEW ${q}.citypulse_frontier AS
  SELECT CASE WHEN count(*) = 0 OR bool_or(published_until IS NULL) THEN NULL ELSE min(published_until) END AS published_until
  FROM ${q}.citypulse_offsets;
CREATE OR REPLACE VIEW ${q}.presence AS
  SELECT p.window_start, p.window_end, p.h3, p.res,
         sum(p.present)::integer AS present, sum(p.active)::integer AS active, sum(p.events)::integer AS events
  FROM ${q}.presence_partials p CROSS JOIN ${q}.citypulse_frontier f
  WHERE p.window_end <= f.published_until
  GROUP BY p.window_start, p.window_end, p.h3, p.res;
CREATE OR REPLACE VIEW ${q}.presence_released AS
  SELECT window_start, window_end, h3, lpad(to_hex(h3), 15, '0') AS h3_hex, res, present
  FROM ${q}.presence
  WHERE present >= (SELECT value::integer FROM ${q}.citypulse_meta WHERE key = 'k');
CREATE OR REPLACE VIEW ${q}.od_h3_hourly AS
  SELECT departure_hour, origin, destination, sum(trips)::integer AS trips
  FROM ${q}.od_partials
  GROUP BY departure_hour, origin, destination;
`;
}

/** Table names of the mirror, for docs and tests. */
export const PG_TABLES = ['citypulse_meta', 'citypulse_offsets', 'presence_partials', 'od_partials', 'alerts'] as const;
/** View names of the mirror. */
export const PG_VIEWS = ['citypulse_frontier', 'presence', 'presence_released', 'od_h3_hourly'] as const;

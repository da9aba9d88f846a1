import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * DDL of the `alerts` table: one row per alert event, keyed by (alert_id, seq) so a replay that
 * regenerates an event inserts nothing. Every column but `window_closed_at` and `emitted_at`
 * (processing time) is deterministic. Columns follow `schemas/alert.schema.json`.
 */
export const ALERTS_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS alerts (
  alert_id            VARCHAR     NOT NULL,
  seq                 INTEGER     NOT NULL,
  area_id             VARCHAR     NOT NULL,
  area_name           VARCHAR     NOT NULL,
  kind                VARCHAR     NOT NULL,
  level               VARCHAR     NOT NULL,
  previous_level      VARCHAR,
  peak_level          VARCHAR     NOT NULL,
  state               VARCHAR     NOT NULL,
  window_start        TIMESTAMPTZ NOT NULL,
  window_end          TIMESTAMPTZ NOT NULL,
  opened_window_start TIMESTAMPTZ NOT NULL,
  devices             INTEGER     NOT NULL,
  people              INTEGER     NOT NULL,
  capacity            INTEGER     NOT NULL,
  occupancy           DOUBLE      NOT NULL,
  area_km2            DOUBLE      NOT NULL,
  density_per_km2     DOUBLE      NOT NULL,
  value               DOUBLE,
  threshold           DOUBLE      NOT NULL,
  forecast_people     INTEGER,
  forecast_at         TIMESTAMPTZ,
  baseline_people     DOUBLE,
  z_score             DOUBLE,
  message             VARCHAR     NOT NULL,
  window_closed_at    TIMESTAMPTZ NOT NULL,
  emitted_at          TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (alert_id, seq)
);
CREATE TEMP TABLE IF NOT EXISTS alerts_staging AS SELECT * FROM alerts LIMIT 0;
`;

/** Creates the `alerts` table (and this connection's staging table) when missing. */
export async function createAlertsTable(conn: DuckDBConnection): Promise<void> {
  await conn.run(ALERTS_TABLE_SQL);
}

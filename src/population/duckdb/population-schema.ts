/**
 * DDL of the population layer's tables (operator-side, pseudonymous, under the retention policy):
 *
 * - `device_mcc`: each device's Mobile Country Code (non-identifying; tells inbound roamers apart).
 * - `home_work`: home and work place per device over a period (written by `export population
 *   --save-home-work`), H3 cells as UBIGINT like everywhere.
 */
export const POPULATION_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS device_mcc (
  device VARCHAR PRIMARY KEY,
  mcc    VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS home_work (
  period_from TIMESTAMPTZ,
  period_to   TIMESTAMPTZ,
  device      VARCHAR  NOT NULL,
  home        UBIGINT,
  home_nights INTEGER  NOT NULL,
  work        UBIGINT,
  work_days   INTEGER  NOT NULL,
  nights_seen INTEGER  NOT NULL
);
`;

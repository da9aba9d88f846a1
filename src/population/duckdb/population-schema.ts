/**
 * DDL of the population layer's table (operator-side, pseudonymous, under the retention policy):
 * `device_mcc`, each device's Mobile Country Code (non-identifying; tells inbound roamers apart).
 * Home/work per device is computed on demand from `stays` and never stored.
 */
export const POPULATION_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS device_mcc (
  device VARCHAR PRIMARY KEY,
  mcc    VARCHAR NOT NULL
);
`;

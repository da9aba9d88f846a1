/**
 * DDL of the population layer's tables (operator-side, pseudonymous, under the retention policy,
 * src/privacy/retention/retention-policy.ts):
 *
 * - `device_mcc`: each device's Mobile Country Code (non-identifying; tells inbound roamers apart)
 *   and when it was last seen (`last_seen`, the retention date: a device not seen for the age is purged);
 *   one row per device, kept so by its only writer (`writeDeviceMcc`) rather than by a primary key,
 *   whose index DuckDB holds in memory (~70 MB at a million devices; databases made before keep theirs);
 * - `device_cells`: per device and UTC day, the H3 cells (res 8) where it had located events — the
 *   evidence of people *in transit* (seen in a zone, no stay there); dated by `day_end`.
 * - `area_visitors`: devices present in a watched area per window by origin (live visitors; rows are
 *   partial per Kafka partition under `stream`: sum them per window, area and origin); an aggregate,
 *   released k-safe by the API (`/api/v1/areas/:id/visitors`).
 *
 * Home/work per device is computed on demand from `stays` and never stored.
 */
export const POPULATION_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS device_mcc (
  device    VARCHAR NOT NULL,
  mcc       VARCHAR NOT NULL,
  last_seen TIMESTAMPTZ
);
ALTER TABLE device_mcc ADD COLUMN IF NOT EXISTS last_seen TIMESTAMPTZ;
CREATE TABLE IF NOT EXISTS device_cells (
  day_end TIMESTAMPTZ NOT NULL,
  device  VARCHAR     NOT NULL,
  h3      UBIGINT     NOT NULL
);
CREATE TABLE IF NOT EXISTS area_visitors (
  window_start TIMESTAMPTZ NOT NULL,
  window_end   TIMESTAMPTZ NOT NULL,
  area_id      VARCHAR     NOT NULL,
  origin       VARCHAR     NOT NULL,
  visitors     INTEGER     NOT NULL
);
`;

/** The population layer's per-device tables (all under retention). */
export const POPULATION_TABLES = ['device_mcc', 'device_cells'] as const;

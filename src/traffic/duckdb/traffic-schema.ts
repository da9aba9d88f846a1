/**
 * DDL of the traffic layer's tables (docs/traffic.md). Times TIMESTAMPTZ, H3 cells UBIGINT.
 *
 * - `traffic_hops`: operator-side (pseudonymous devices, under the retention policy, like `trips`):
 *   one row per cell a device crossed between two handovers — written by the device consumer.
 * - `traffic_corridors`: the corridors last used (learned or declared): cells in order, entry
 *   distances, length, geometry (GeoJSON text), free flow.
 * - `traffic_corridor_bins`: flow, speed, travel time and congestion per corridor and bin, refreshed
 *   from the hops by `refreshTrafficTables` (main job, `export traffic`).
 * - `traffic_alerts`: slowdown alerts (open/resolved) per corridor.
 */
export const TRAFFIC_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS traffic_hops (
  device   VARCHAR     NOT NULL,
  prev_h3  UBIGINT     NOT NULL,
  h3       UBIGINT     NOT NULL,
  next_h3  UBIGINT     NOT NULL,
  enter_ts TIMESTAMPTZ NOT NULL,
  exit_ts  TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS traffic_corridors (
  corridor      VARCHAR NOT NULL,
  source        VARCHAR NOT NULL,
  cells         VARCHAR NOT NULL,
  entries_m     VARCHAR NOT NULL,
  length_m      DOUBLE  NOT NULL,
  free_flow_kmh DOUBLE,
  geometry      VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS traffic_corridor_bins (
  corridor      VARCHAR     NOT NULL,
  bin_start     TIMESTAMPTZ NOT NULL,
  bin_minutes   INTEGER     NOT NULL,
  flow          INTEGER     NOT NULL,
  speed_devices INTEGER     NOT NULL,
  speed_kmh     DOUBLE,
  travel_time_s DOUBLE,
  free_flow_kmh DOUBLE,
  congestion    DOUBLE
);
CREATE TABLE IF NOT EXISTS traffic_alerts (
  alert_id    VARCHAR     NOT NULL,
  seq         INTEGER     NOT NULL,
  corridor    VARCHAR     NOT NULL,
  kind        VARCHAR     NOT NULL,
  state       VARCHAR     NOT NULL,
  bin_start   TIMESTAMPTZ NOT NULL,
  opened_bin  TIMESTAMPTZ NOT NULL,
  speed_kmh   DOUBLE,
  free_flow_kmh DOUBLE,
  congestion  DOUBLE,
  devices     INTEGER     NOT NULL,
  message     VARCHAR     NOT NULL
);
`;

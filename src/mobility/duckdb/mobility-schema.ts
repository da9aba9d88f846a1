/**
 * DDL of the trajectory layer's tables (operator-side data: pseudonymous devices, under the
 * retention policy of the privacy issue). Times TIMESTAMPTZ, H3 cells UBIGINT as everywhere.
 *
 * - `stays`: one row per stay (docs/mobility.md): start, end (departure, or last event when it ended
 *   in silence), place as H3 (res 8 by default) and its centre.
 * - `trips`: consecutive stays at different places: departure (first event leaving the origin),
 *   arrival (start of the destination stay), distance, uncertainty of the departure.
 * - `od_h3_hourly`: consecutive-trip OD per departure hour on the stay resolution, written by the
 *   streaming consumer as each hour becomes final; summing it per key over partitions gives the OD.
 * - `od_daily`: the same recomputed per day by the `od_daily` job from `trips`.
 */
export const MOBILITY_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS stays (
  device      VARCHAR     NOT NULL,
  start_ts    TIMESTAMPTZ NOT NULL,
  end_ts      TIMESTAMPTZ NOT NULL,
  last_ts     TIMESTAMPTZ NOT NULL,
  h3          UBIGINT     NOT NULL,
  lat         DOUBLE      NOT NULL,
  lng         DOUBLE      NOT NULL,
  events      INTEGER     NOT NULL,
  oscillations INTEGER    NOT NULL,
  source      VARCHAR     NOT NULL,
  end_reason  VARCHAR     NOT NULL
);
CREATE TABLE IF NOT EXISTS trips (
  device          VARCHAR     NOT NULL,
  origin          UBIGINT     NOT NULL,
  destination     UBIGINT     NOT NULL,
  depart_ts       TIMESTAMPTZ NOT NULL,
  arrive_ts       TIMESTAMPTZ NOT NULL,
  depart_uncertainty_s DOUBLE NOT NULL,
  distance_m      DOUBLE      NOT NULL,
  duration_s      DOUBLE      NOT NULL,
  origin_lat      DOUBLE      NOT NULL,
  origin_lng      DOUBLE      NOT NULL,
  destination_lat DOUBLE      NOT NULL,
  destination_lng DOUBLE      NOT NULL
);
CREATE TABLE IF NOT EXISTS od_h3_hourly (
  departure_hour TIMESTAMPTZ NOT NULL,
  origin         UBIGINT     NOT NULL,
  destination    UBIGINT     NOT NULL,
  trips          INTEGER     NOT NULL
);
CREATE TABLE IF NOT EXISTS od_daily (
  day            DATE        NOT NULL,
  departure_hour TIMESTAMPTZ NOT NULL,
  origin         UBIGINT     NOT NULL,
  destination    UBIGINT     NOT NULL,
  trips          INTEGER     NOT NULL
);
`;

/** The tables above. */
export const MOBILITY_TABLES = ['stays', 'trips', 'od_h3_hourly', 'od_daily'] as const;

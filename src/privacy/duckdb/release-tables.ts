/**
 * DDL of the released tables (the analyst database, or TEMP tables beside a raw database). Every figure
 * an analyst sees derives from `release_elements`: a hexagon at res r is the sum of the elements with
 * `anchor_res >= r` and `h3_cell_to_parent(anchor, r)` = the hexagon; a zone is the sum of the elements
 * listed for it in `release_element_zones`. A raised k' drops elements with `present < k'`.
 */
export const RELEASE_TABLES_SQL = {
  release_meta: `CREATE TABLE IF NOT EXISTS release_meta (
  k           INTEGER     NOT NULL,
  strategy    VARCHAR     NOT NULL,
  base_res    INTEGER     NOT NULL,
  top_res     INTEGER     NOT NULL,
  dp_epsilon  DOUBLE,
  windows     BIGINT      NOT NULL,
  people      BIGINT      NOT NULL,
  withheld    BIGINT      NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL
)`,
  release_elements: `CREATE TABLE IF NOT EXISTS release_elements (
  window_start TIMESTAMPTZ NOT NULL,
  window_end   TIMESTAMPTZ NOT NULL,
  element_id   INTEGER     NOT NULL,
  anchor       UBIGINT     NOT NULL,
  anchor_res   INTEGER     NOT NULL,
  present      BIGINT      NOT NULL
)`,
  release_element_zones: `CREATE TABLE IF NOT EXISTS release_element_zones (
  window_start TIMESTAMPTZ NOT NULL,
  element_id   INTEGER     NOT NULL,
  zone_system  VARCHAR     NOT NULL,
  zone_id      VARCHAR     NOT NULL
)`,
  release_cost: `CREATE TABLE IF NOT EXISTS release_cost (
  unit         VARCHAR NOT NULL,
  people       BIGINT  NOT NULL,
  released     BIGINT  NOT NULL,
  withheld_pct DOUBLE  NOT NULL
)`,
} as const;

/** The names of the released tables. */
export type ReleaseTable = keyof typeof RELEASE_TABLES_SQL;

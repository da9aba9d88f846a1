/**
 * DDL of the analyst tables, loaded by commands rather than written by the pipeline:
 *
 * - `zones`: the polygons of each zone system (`citypulse zones load`), with their area and GeoJSON;
 * - `zone_cells`: base-resolution H3 cells → zone; a cell belongs to at most one zone of a system
 *   (the primary key), the zone containing the cell's centre;
 * - `cells`: the operator's cell table (`citypulse cells load`): antenna cells, their site position and
 *   H3 cell, valid over [valid_from, valid_to) (NULL = open).
 */
export const ANALYST_TABLES_SQL = {
  zones: `CREATE TABLE IF NOT EXISTS zones (
  zone_system      VARCHAR NOT NULL,
  zone_id          VARCHAR NOT NULL,
  zone_name        VARCHAR NOT NULL,
  area_km2         DOUBLE  NOT NULL,
  geometry_geojson VARCHAR NOT NULL,
  PRIMARY KEY (zone_system, zone_id)
)`,
  zone_cells: `CREATE TABLE IF NOT EXISTS zone_cells (
  zone_system VARCHAR NOT NULL,
  zone_id     VARCHAR NOT NULL,
  zone_name   VARCHAR NOT NULL,
  h3          UBIGINT NOT NULL,
  PRIMARY KEY (zone_system, h3)
)`,
  cells: `CREATE TABLE IF NOT EXISTS cells (
  cell_id    VARCHAR     NOT NULL,
  lat        DOUBLE      NOT NULL,
  lon        DOUBLE      NOT NULL,
  h3         UBIGINT     NOT NULL,
  valid_from TIMESTAMPTZ,
  valid_to   TIMESTAMPTZ
)`,
} as const;

export type AnalystTable = keyof typeof ANALYST_TABLES_SQL;

/** Zone system → (res-9 cell → zone id), as read from `zone_cells`. */
export type ZoneCellMaps = Map<string, Map<bigint, string>>;

-- name: area_timeseries
-- purpose: people present in an H3 area — a cell and the ring of cells around it — window by window, from the
--   release (the release elements fitting in one cell of the area, each ≥ k people; NULL where none)
-- param: cell VARCHAR                              -- centre cell as a hex string, at the base resolution or coarser
-- param: ring INTEGER = 0                          -- grid distance included around the centre (0: the cell alone, 1: + 6 neighbours)
-- param: from TIMESTAMPTZ = '2000-01-01T00:00:00Z' -- first window start included
-- param: to TIMESTAMPTZ = '2100-01-01T00:00:00Z'   -- windows starting before this
-- param: k INTEGER = 20                            -- k-anonymity: release elements below k are left out (raise only)
-- returns: window_start TIMESTAMPTZ, window_end TIMESTAMPTZ, area_cells BIGINT, present BIGINT
WITH centre AS (
  SELECT CASE
           WHEN NOT h3_is_valid_cell($cell) THEN error(format('cell {} is not a valid H3 cell', $cell))
           WHEN $ring < 0 THEN error(format('ring must be 0 or more, got {}', $ring))
           WHEN h3_get_resolution(h3_string_to_h3($cell)) > (SELECT base_res FROM release_meta LIMIT 1)
             THEN error(format('cell {} is finer than the base resolution of presence', $cell))
           ELSE h3_string_to_h3($cell)
         END AS h3
),
area AS (
  SELECT unnest(h3_grid_disk(h3, $ring)) AS h3 FROM centre
),
windows AS (
  SELECT DISTINCT window_start, window_end FROM release_elements WHERE window_start >= $from AND window_start < $to
),
counts AS (
  SELECT e.window_start, sum(e.present)::BIGINT AS present
  FROM release_elements e, centre
  WHERE e.window_start >= $from AND e.window_start < $to AND e.present >= $k
    AND e.anchor_res >= h3_get_resolution(centre.h3)
    AND h3_cell_to_parent(e.anchor, h3_get_resolution(centre.h3)) IN (SELECT h3 FROM area)
  GROUP BY e.window_start
)
SELECT w.window_start, w.window_end, (SELECT count(*) FROM area) AS area_cells,
       CASE WHEN c.present >= $k THEN c.present END AS present
FROM windows w
LEFT JOIN counts c ON c.window_start = w.window_start
ORDER BY w.window_start;

-- name: top_cells
-- purpose: the n busiest H3 cells of a time range, ranked by their peak of people present in one window,
--   from the release (sums of release elements of ≥ k people; docs/privacy.md)
-- param: n INTEGER = 10                            -- how many cells
-- param: res INTEGER = NULL                        -- H3 resolution (NULL: the base resolution of the release)
-- param: from TIMESTAMPTZ = '2000-01-01T00:00:00Z' -- first window start included
-- param: to TIMESTAMPTZ = '2100-01-01T00:00:00Z'   -- windows starting before this
-- param: k INTEGER = 20                            -- k-anonymity: (window, cell) counts below k are left out before ranking
-- returns: rank BIGINT, h3 UBIGINT, h3_hex VARCHAR, peak_present BIGINT, peak_window_start TIMESTAMPTZ, mean_present DOUBLE, windows BIGINT
-- note: mean_present and windows: over the windows in which the cell reached k
WITH cells AS (
  SELECT e.window_start,
         CASE WHEN coalesce($res, m.base_res) BETWEEN 0 AND m.base_res THEN h3_cell_to_parent(e.anchor, coalesce($res, m.base_res))
              ELSE error(format('res {} is outside 0..{} (the base resolution of presence)', $res, m.base_res)) END AS h3,
         e.present
  FROM release_elements e, (SELECT base_res FROM release_meta LIMIT 1) m
  WHERE e.window_start >= $from AND e.window_start < $to AND e.present >= $k
    AND (e.anchor_res >= coalesce($res, m.base_res) OR coalesce($res, m.base_res) NOT BETWEEN 0 AND m.base_res)
),
counts AS (
  SELECT window_start, h3, sum(present)::BIGINT AS present
  FROM cells
  GROUP BY window_start, h3
  HAVING sum(present) >= $k
),
peaks AS (
  SELECT h3, present, window_start,
         row_number() OVER (PARTITION BY h3 ORDER BY present DESC, window_start) AS nth,
         avg(present) OVER (PARTITION BY h3) AS mean_present,
         count(*) OVER (PARTITION BY h3) AS windows
  FROM counts
),
ranked AS (
  SELECT row_number() OVER (ORDER BY present DESC, mean_present DESC, h3) AS rank,
         h3, present, window_start, mean_present, windows
  FROM peaks
  WHERE nth = 1
)
SELECT rank, h3, h3_h3_to_string(h3) AS h3_hex, present AS peak_present, window_start AS peak_window_start,
       round(mean_present, 2) AS mean_present, windows
FROM ranked
WHERE rank <= $n
ORDER BY rank;

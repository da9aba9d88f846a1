-- name: heatmap
-- purpose: population heatmap at a chosen H3 resolution for a time range, k-anonymised
--   (people present per window and hexagon; a coarser hexagon sums its base-resolution children)
-- param: res INTEGER = 8                          -- H3 resolution, 0 up to the base resolution of presence
-- param: from TIMESTAMPTZ = '2000-01-01T00:00:00Z' -- first window start included
-- param: to TIMESTAMPTZ = '2100-01-01T00:00:00Z'   -- windows starting before this
-- param: k INTEGER = 20                            -- k-anonymity: hexagons with fewer people are left out
-- returns: window_start TIMESTAMPTZ, window_end TIMESTAMPTZ, h3 UBIGINT, h3_hex VARCHAR, res INTEGER, present BIGINT
WITH cells AS (
  SELECT window_start, window_end,
         CASE WHEN $res BETWEEN 0 AND res THEN h3_cell_to_parent(h3, $res)
              ELSE error(format('res {} is outside 0..{} (the base resolution of presence)', $res, res)) END AS h3,
         present
  FROM presence
  WHERE window_start >= $from AND window_start < $to
),
hexagons AS (
  SELECT window_start, window_end, h3, sum(present)::BIGINT AS present
  FROM cells
  GROUP BY window_start, window_end, h3
)
SELECT window_start, window_end, h3, h3_h3_to_string(h3) AS h3_hex, $res AS res, present
FROM hexagons
WHERE present >= $k
ORDER BY window_start, h3;

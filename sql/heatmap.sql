-- name: heatmap
-- purpose: population heatmap at a chosen H3 resolution for a time range, from the release
--   (people present per window and hexagon: the sum of the release elements that fit in the hexagon,
--   each of at least k people, so no hexagon minus its children reveals 1..k−1; docs/privacy.md)
-- param: res INTEGER = 8                          -- H3 resolution, 0 up to the base resolution of the release
-- param: from TIMESTAMPTZ = '2000-01-01T00:00:00Z' -- first window start included
-- param: to TIMESTAMPTZ = '2100-01-01T00:00:00Z'   -- windows starting before this
-- param: k INTEGER = 20                            -- k-anonymity: release elements below k are left out (raise only)
-- returns: window_start TIMESTAMPTZ, window_end TIMESTAMPTZ, h3 UBIGINT, h3_hex VARCHAR, res INTEGER, present BIGINT
WITH cells AS (
  SELECT e.window_start, e.window_end,
         CASE WHEN $res BETWEEN 0 AND m.base_res THEN h3_cell_to_parent(e.anchor, $res)
              ELSE error(format('res {} is outside 0..{} (the base resolution of presence)', $res, m.base_res)) END AS h3,
         e.present
  FROM release_elements e, (SELECT base_res FROM release_meta LIMIT 1) m
  WHERE e.window_start >= $from AND e.window_start < $to AND e.present >= $k
    AND (e.anchor_res >= $res OR $res NOT BETWEEN 0 AND m.base_res)
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

-- name: area_visitors_by_origin
-- purpose: live visitors of a watched area per presence window by origin (table area_visitors,
--   written by ingest/stream with --areas; the partial rows of each Kafka partition summed): origin =
--   the visitor's home zone learnt at pipeline start, an inbound roamer's country, or unknown. k-safe
--   as /api/v1/areas/:id/visitors: origins below k pooled into `other`, and a window whose pool is in
--   [1, k) left out whole, so no origin below k is recoverable by difference (docs/population.md).
-- param: area VARCHAR                               -- the watched area's id (the --areas file)
-- param: from TIMESTAMPTZ = '2000-01-01T00:00:00Z'  -- windows starting at or after this
-- param: to TIMESTAMPTZ = '2100-01-01T00:00:00Z'    -- windows starting before this
-- param: k INTEGER = 20                             -- release threshold
-- returns: window_start TIMESTAMPTZ, window_end TIMESTAMPTZ, origin VARCHAR, visitors BIGINT
WITH w AS (
  SELECT window_start, window_end, origin, sum(visitors)::BIGINT AS visitors
  FROM area_visitors
  WHERE area_id = $area AND window_start >= $from AND window_start < $to
  GROUP BY ALL
  HAVING sum(visitors) > 0
), pooled AS (
  SELECT window_start, window_end, CASE WHEN visitors < $k THEN 'other' ELSE origin END AS origin, sum(visitors)::BIGINT AS visitors
  FROM w
  GROUP BY ALL
)
SELECT window_start, window_end, origin, visitors
FROM pooled
WHERE window_start NOT IN (SELECT window_start FROM pooled WHERE origin = 'other' AND visitors < $k)
ORDER BY window_start, visitors DESC, origin;

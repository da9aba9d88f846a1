-- name: dq_silent_cells
-- purpose: data quality — H3 cells with traffic in a reference period but no events in the recent hours
--   (an outage, or a cell-table change), with the antenna cells located there and valid now (table cells,
--   from `citypulse cells load`); hexagons whose antennas were all retired are left out. Event counts: no k.
-- param: at TIMESTAMPTZ = NULL                     -- end of the recent period (NULL: the end of the latest window)
-- param: recent_hours INTEGER = 24                 -- length of the recent period
-- param: reference_days INTEGER = 7                -- length of the reference period, just before the recent one
-- param: min_events INTEGER = 100                  -- events a cell needs in the reference period to count as active
-- returns: h3 UBIGINT, h3_hex VARCHAR, reference_events BIGINT, reference_windows BIGINT, last_seen TIMESTAMPTZ, antennas VARCHAR[]
-- note: last_seen: end of the last window with events; antennas: NULL when the cell table has none there
WITH bounds AS (
  SELECT coalesce($at, (SELECT max(window_end) FROM presence)) AS t_end
),
periods AS (
  SELECT t_end - to_hours($recent_hours) - to_hours(24 * $reference_days) AS ref_from,
         t_end - to_hours($recent_hours) AS recent_from,
         t_end AS recent_to
  FROM bounds
),
reference AS (
  SELECT p.h3, sum(p.events)::BIGINT AS events, count(*) AS windows
  FROM presence p, periods w
  WHERE p.window_start >= w.ref_from AND p.window_start < w.recent_from AND p.events > 0
  GROUP BY p.h3
  HAVING sum(p.events) >= $min_events
),
recent AS (
  SELECT DISTINCT p.h3
  FROM presence p, periods w
  WHERE p.window_start >= w.recent_from AND p.window_start < w.recent_to AND p.events > 0
),
seen AS (
  SELECT p.h3, max(p.window_end) AS last_seen
  FROM presence p, periods w
  WHERE p.events > 0 AND p.window_start < w.recent_to AND p.h3 IN (SELECT h3 FROM reference)
  GROUP BY p.h3
),
antennas AS (
  SELECT c.h3,
         list_sort(list_distinct(list(c.cell_id) FILTER (
           WHERE (c.valid_from IS NULL OR c.valid_from < w.recent_to) AND (c.valid_to IS NULL OR c.valid_to > w.recent_from)
         ))) AS valid_now
  FROM cells c, periods w
  GROUP BY c.h3
)
SELECT r.h3, h3_h3_to_string(r.h3) AS h3_hex, r.events AS reference_events, r.windows AS reference_windows,
       s.last_seen, a.valid_now AS antennas
FROM reference r
LEFT JOIN seen s ON s.h3 = r.h3
LEFT JOIN antennas a ON a.h3 = r.h3
WHERE r.h3 NOT IN (SELECT h3 FROM recent)
  AND (a.h3 IS NULL OR len(a.valid_now) > 0)
ORDER BY r.events DESC, r.h3;

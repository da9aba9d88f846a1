-- name: zone_timeseries
-- purpose: people present in one zone, window by window, from the release (the release elements lying wholly in
--   the zone, each ≥ k people; NULL where none; docs/privacy.md)
-- param: zone_system VARCHAR                       -- a zone system loaded with `citypulse zones load --name`
-- param: zone VARCHAR                              -- the zone: its id, or its name (case-insensitive)
-- param: from TIMESTAMPTZ = '2000-01-01T00:00:00Z' -- first window start included
-- param: to TIMESTAMPTZ = '2100-01-01T00:00:00Z'   -- windows starting before this
-- param: k INTEGER = 20                            -- k-anonymity: release elements below k are left out (raise only)
-- returns: window_start TIMESTAMPTZ, window_end TIMESTAMPTZ, zone_id VARCHAR, zone_name VARCHAR, present BIGINT
WITH zone AS (
  SELECT zone_id, zone_name
  FROM zones
  WHERE zone_system = $zone_system AND (zone_id = $zone OR lower(zone_name) = lower($zone))
),
windows AS (
  SELECT DISTINCT window_start, window_end FROM release_elements WHERE window_start >= $from AND window_start < $to
),
counts AS (
  SELECT z.zone_id, e.window_start, sum(e.present)::BIGINT AS present
  FROM release_element_zones z
  JOIN release_elements e USING (window_start, element_id)
  WHERE z.zone_system = $zone_system AND z.zone_id IN (SELECT zone_id FROM zone)
    AND e.window_start >= $from AND e.window_start < $to AND e.present >= $k
  GROUP BY z.zone_id, e.window_start
)
SELECT w.window_start, w.window_end, z.zone_id, z.zone_name,
       CASE WHEN c.present >= $k THEN c.present END AS present
FROM zone z
CROSS JOIN windows w
LEFT JOIN counts c ON c.zone_id = z.zone_id AND c.window_start = w.window_start
ORDER BY z.zone_id, w.window_start;

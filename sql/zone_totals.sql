-- name: zone_totals
-- purpose: people present per zone of a zone system over a time range (mean and peak per window), from the
--   release (a zone sums the release elements lying wholly in it, each ≥ k people; docs/privacy.md);
--   every zone is listed, with NULL figures where no window reached k
-- param: zone_system VARCHAR                       -- a zone system loaded with `citypulse zones load --name`
-- param: from TIMESTAMPTZ = '2000-01-01T00:00:00Z' -- first window start included
-- param: to TIMESTAMPTZ = '2100-01-01T00:00:00Z'   -- windows starting before this
-- param: k INTEGER = 20                            -- k-anonymity: release elements below k are left out (raise only)
-- returns: zone_id VARCHAR, zone_name VARCHAR, cells BIGINT, area_km2 DOUBLE, windows BIGINT, mean_present DOUBLE,
--   peak_present BIGINT, peak_window_start TIMESTAMPTZ, mean_per_km2 DOUBLE
-- note: windows: windows in which the zone reached k; mean_present: over those windows
WITH counts AS (
  SELECT z.zone_id, e.window_start, sum(e.present)::BIGINT AS present
  FROM release_element_zones z
  JOIN release_elements e USING (window_start, element_id)
  WHERE z.zone_system = $zone_system AND e.window_start >= $from AND e.window_start < $to AND e.present >= $k
  GROUP BY z.zone_id, e.window_start
),
ranked AS (
  SELECT *, row_number() OVER (PARTITION BY zone_id ORDER BY present DESC, window_start) AS nth
  FROM counts
),
stats AS (
  SELECT zone_id, count(*) AS windows, avg(present) AS mean_present, max(present) AS peak_present,
         min(window_start) FILTER (WHERE nth = 1) AS peak_window_start
  FROM ranked
  GROUP BY zone_id
),
sizes AS (
  SELECT zone_id, count(*) AS cells FROM zone_cells WHERE zone_system = $zone_system GROUP BY zone_id
)
SELECT z.zone_id, z.zone_name, coalesce(c.cells, 0) AS cells, round(z.area_km2, 3) AS area_km2,
       coalesce(s.windows, 0) AS windows, round(s.mean_present, 2) AS mean_present, s.peak_present, s.peak_window_start,
       round(s.mean_present / nullif(z.area_km2, 0), 1) AS mean_per_km2
FROM zones z
LEFT JOIN sizes c ON c.zone_id = z.zone_id
LEFT JOIN stats s ON s.zone_id = z.zone_id
WHERE z.zone_system = $zone_system
ORDER BY TRY_CAST(z.zone_id AS BIGINT) NULLS LAST, z.zone_id;

-- name: od_matrix
-- purpose: origin–destination matrix between the zones of a zone system per departure hour, from
--   consecutive trips (table trips, written by the trajectory layer); pairs below k left out. For
--   day/total values that stay differencing-safe use `citypulse export od` (docs/mobility.md).
-- param: zone_system VARCHAR                         -- as loaded with `citypulse zones load --name`
-- param: from TIMESTAMPTZ = '2000-01-01T00:00:00Z'  -- first departure included
-- param: to TIMESTAMPTZ = '2100-01-01T00:00:00Z'    -- departures before this
-- param: k INTEGER = 20                             -- (hour, pair) cells below k are left out
-- returns: departure_hour TIMESTAMPTZ, origin VARCHAR, destination VARCHAR, trips BIGINT
WITH zres AS (
  SELECT coalesce(max(h3_get_resolution(h3)), 9) AS r FROM zone_cells WHERE zone_system = $zone_system
),
t AS (
  SELECT make_timestamptz(((epoch_ms(trips.depart_ts) // 3600000) * 3600000000)::BIGINT) AS departure_hour,
         zo.zone_id AS origin, zd.zone_id AS destination
  FROM trips
  CROSS JOIN zres
  JOIN zone_cells zo ON zo.zone_system = $zone_system AND zo.h3 = h3_latlng_to_cell(trips.origin_lat, trips.origin_lng, zres.r)
  JOIN zone_cells zd ON zd.zone_system = $zone_system AND zd.h3 = h3_latlng_to_cell(trips.destination_lat, trips.destination_lng, zres.r)
  WHERE trips.depart_ts >= $from AND trips.depart_ts < $to
)
SELECT departure_hour, origin, destination, count(*) AS trips
FROM t
GROUP BY ALL
HAVING count(*) >= $k
ORDER BY departure_hour, origin, destination;

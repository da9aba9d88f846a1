-- name: traffic_corridors
-- purpose: flow, median speed, travel time and congestion per traffic corridor and 5- or 15-minute
--   bin (table traffic_corridor_bins, rebuilt from traffic_hops by the main job's traffic step;
--   docs/traffic.md); bins with a flow below k left out. For releases that stay differencing-safe
--   across bins use `citypulse export traffic`.
-- param: from TIMESTAMPTZ = '2000-01-01T00:00:00Z'  -- first bin included
-- param: to TIMESTAMPTZ = '2100-01-01T00:00:00Z'    -- bins starting before this
-- param: bin_minutes INTEGER = 5                    -- 5 or 15
-- param: k INTEGER = 20                             -- corridor-bins with fewer devices are left out
-- returns: corridor VARCHAR, bin_start TIMESTAMPTZ, flow INTEGER, speed_kmh DOUBLE, travel_time_s DOUBLE, free_flow_kmh DOUBLE, congestion DOUBLE, length_m DOUBLE
SELECT b.corridor, b.bin_start, b.flow, b.speed_kmh, b.travel_time_s, b.free_flow_kmh, b.congestion, c.length_m
FROM traffic_corridor_bins b
JOIN traffic_corridors c USING (corridor)
WHERE b.bin_minutes = $bin_minutes AND b.bin_start >= $from AND b.bin_start < $to AND b.flow >= $k
ORDER BY b.corridor, b.bin_start;

-- name: traffic_cell_flows
-- purpose: cell-to-cell flows of moving devices per window — distinct devices handed over from one
--   cell to the next (table traffic_hops, written by the traffic layer; docs/traffic.md), for a
--   network picture; pairs below k left out.
-- param: from TIMESTAMPTZ = '2000-01-01T00:00:00Z'  -- first window included
-- param: to TIMESTAMPTZ = '2100-01-01T00:00:00Z'    -- windows starting before this
-- param: window_minutes INTEGER = 15                -- window length
-- param: k INTEGER = 20                             -- (window, pair) flows below k are left out
-- returns: window_start TIMESTAMPTZ, from_h3 VARCHAR, to_h3 VARCHAR, devices BIGINT
SELECT make_timestamptz(((epoch_ms(exit_ts) // ($window_minutes * 60000)) * $window_minutes * 60000000)::BIGINT) AS window_start,
       lower(hex(h3)) AS from_h3, lower(hex(next_h3)) AS to_h3, count(DISTINCT device) AS devices
FROM traffic_hops
WHERE exit_ts >= $from AND exit_ts < $to
GROUP BY ALL
HAVING count(DISTINCT device) >= $k
ORDER BY window_start, devices DESC, from_h3, to_h3;

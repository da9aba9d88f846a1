-- name: dq_late_events
-- purpose: data quality — events that arrived after their window had closed, per hour of their window and source:
--   how many, and how far behind the watermark (counts of events, not of people: no k-anonymity)
-- param: from TIMESTAMPTZ = '2000-01-01T00:00:00Z' -- first window start included
-- param: to TIMESTAMPTZ = '2100-01-01T00:00:00Z'   -- windows starting before this
-- returns: hour TIMESTAMPTZ, source VARCHAR, late_events BIGINT, windows BIGINT, median_lateness_s DOUBLE, max_lateness_s DOUBLE
-- note: lateness: watermark at arrival minus event time
SELECT time_bucket(INTERVAL 1 HOUR, window_start) AS hour, source, count(*) AS late_events,
       count(DISTINCT window_start) AS windows,
       round(median(epoch(watermark) - epoch(event_ts)), 1) AS median_lateness_s,
       round(max(epoch(watermark) - epoch(event_ts)), 1) AS max_lateness_s
FROM late_events
WHERE window_start >= $from AND window_start < $to
GROUP BY ALL
ORDER BY hour, source;

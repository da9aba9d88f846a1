-- name: dq_dead_letters
-- purpose: data quality — records rejected to dead letters, per hour, source and reason
--   (counts of records, not of people: no k-anonymity; payloads are not shown)
-- param: from TIMESTAMPTZ = '2000-01-01T00:00:00Z' -- first time included
-- param: to TIMESTAMPTZ = '2100-01-01T00:00:00Z'   -- times before this
-- param: by VARCHAR = 'ingested'                   -- which time makes the hour: 'ingested' (when rejected) or 'event' (the record's own time; NULL when unreadable)
-- returns: hour TIMESTAMPTZ, source VARCHAR, reason VARCHAR, dead_letters BIGINT, with_event_time BIGINT,
--   first_event_ts TIMESTAMPTZ, last_event_ts TIMESTAMPTZ
WITH chosen AS (
  SELECT *,
         CASE WHEN $by = 'ingested' THEN ingested_at
              WHEN $by = 'event' THEN event_ts
              ELSE error(format('by must be ''ingested'' or ''event'', got {}', $by)) END AS t
  FROM dead_letters
)
SELECT time_bucket(INTERVAL 1 HOUR, t) AS hour, source, reason, count(*) AS dead_letters,
       count(event_ts) AS with_event_time, min(event_ts) AS first_event_ts, max(event_ts) AS last_event_ts
FROM chosen
WHERE (t >= $from AND t < $to) OR (t IS NULL AND $by = 'event')
GROUP BY ALL
ORDER BY hour NULLS LAST, source, reason;

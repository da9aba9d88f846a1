-- Presence per (15-minute window, H3 cell) recomputed from stored events, in plain SQL that runs
-- unchanged in DuckDB and PostgreSQL (the FlowKit/FlowDB approach: the warehouse does the work).
-- Same definition as the streaming engine (README "Presence"), for on-time input:
--   an event holds its device at its cell from ts until the device's next event or ts + 60 min,
--   whichever is first (a detach holds nothing); a device is `present` once per window, in the cell
--   with the longest total hold overlap; ties go to the hold ending latest in the window, then to the
--   cell held first. `active` = distinct devices with an event in the cell and window; `events` = events.
-- Input: events(seq INTEGER arrival order within the device, ts BIGINT epoch ms, device INTEGER (a dense id per pseudonym,
-- mapped once at load), h3 BIGINT, kind an enum of the event kinds).
-- Output columns: window_start (epoch ms), h3, present, active, events.
WITH ordered AS (
  SELECT device, ts, h3, kind,
         lead(ts) OVER (PARTITION BY device ORDER BY ts, seq) AS next_ts
  FROM events
),
holds AS (
  SELECT device, h3, ts AS hs, LEAST(ts + 3600000, COALESCE(next_ts, ts + 3600000)) AS he
  FROM ordered
  WHERE kind <> 'detach'
),
-- A hold lasts at most 60 min, so it overlaps at most 5 windows of 15 min: its own and the next 4.
pieces AS (
  SELECT device, h3, hs, ws,
         LEAST(he, ws + 900000) - GREATEST(hs, ws) AS dwell,
         LEAST(he, ws + 900000) AS clipped_end
  FROM (
    SELECT device, h3, hs, he, hs - hs % 900000 + k.i * 900000 AS ws
    FROM holds
    CROSS JOIN (VALUES (0), (1), (2), (3), (4)) AS k(i)
  ) spread
  WHERE ws < he
),
per_cell AS (
  SELECT device, ws, h3, SUM(dwell) AS dwell, MAX(clipped_end) AS last_end, MIN(hs) AS first_start
  FROM pieces
  WHERE dwell > 0
  GROUP BY device, ws, h3
),
ranked AS (
  SELECT ws, h3, row_number() OVER (PARTITION BY device, ws ORDER BY dwell DESC, last_end DESC, first_start ASC) AS rk
  FROM per_cell
),
present AS (
  SELECT ws, h3, COUNT(*) AS present FROM ranked WHERE rk = 1 GROUP BY ws, h3
),
activity AS (
  SELECT ts - ts % 900000 AS ws, h3, COUNT(DISTINCT device) AS active, COUNT(*) AS events
  FROM events
  GROUP BY ts - ts % 900000, h3
)
SELECT COALESCE(p.ws, a.ws) AS window_start,
       COALESCE(p.h3, a.h3) AS h3,
       COALESCE(p.present, 0) AS present,
       COALESCE(a.active, 0) AS active,
       COALESCE(a.events, 0) AS events
FROM present p
FULL OUTER JOIN activity a ON p.ws = a.ws AND p.h3 = a.h3

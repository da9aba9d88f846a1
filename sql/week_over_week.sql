-- name: week_over_week
-- purpose: people present in the latest hours vs the same hours one week (168 h) earlier, per zone of a zone system
--   or per H3 cell: the mean per window of released counts (sums of release elements of ≥ k people; none counts as 0)
-- param: zone_system VARCHAR = NULL                -- compare the zones of this system; NULL: compare H3 cells
-- param: res INTEGER = NULL                        -- H3 resolution when comparing cells (NULL: the base resolution)
-- param: to TIMESTAMPTZ = NULL                     -- end of the current period (NULL: the end of the latest window)
-- param: hours INTEGER = 168                       -- length of both periods, 1 to 168
-- param: k INTEGER = 20                            -- k-anonymity threshold
-- returns: unit VARCHAR, unit_name VARCHAR, h3 UBIGINT, this_week DOUBLE, last_week DOUBLE, change DOUBLE, change_pct DOUBLE
-- note: unit: the zone id, or the cell as hex; unit_name: the zone name; h3: the cell, NULL for zones;
--   this_week/last_week: sum of counts ≥ k over the period / windows in the period; NULL without data in the period
WITH bounds AS (
  SELECT CASE WHEN $hours BETWEEN 1 AND 168 THEN coalesce($to, (SELECT max(window_end) FROM release_elements))
              ELSE error(format('hours must be 1 to 168, got {}', $hours)) END AS t_end
),
periods AS (
  SELECT 'this' AS period, t_end - to_hours($hours) AS p_from, t_end AS p_to FROM bounds
  UNION ALL
  SELECT 'last' AS period, t_end - to_hours($hours + 168) AS p_from, t_end - to_hours(168) AS p_to FROM bounds
),
rows AS (
  SELECT pe.period, e.window_start, e.element_id, e.anchor, e.anchor_res, m.base_res, e.present
  FROM release_elements e
  JOIN periods pe ON e.window_start >= pe.p_from AND e.window_start < pe.p_to
  CROSS JOIN (SELECT base_res FROM release_meta LIMIT 1) m
  WHERE e.present >= $k
),
windows AS (
  SELECT period, count(DISTINCT window_start) AS n FROM rows GROUP BY period
),
units AS (
  SELECT r.period, r.window_start, z.zone_id AS unit, zn.zone_name AS unit_name, NULL::UBIGINT AS h3, r.present
  FROM rows r
  JOIN release_element_zones z ON z.window_start = r.window_start AND z.element_id = r.element_id
  JOIN zones zn ON zn.zone_system = z.zone_system AND zn.zone_id = z.zone_id
  WHERE z.zone_system = $zone_system
  UNION ALL
  SELECT period, window_start, h3_h3_to_string(cell) AS unit, NULL AS unit_name, cell AS h3, present
  FROM (
    SELECT r.*,
           CASE WHEN coalesce($res, r.base_res) BETWEEN 0 AND r.base_res THEN h3_cell_to_parent(r.anchor, coalesce($res, r.base_res))
                ELSE error(format('res {} is outside 0..{} (the base resolution of presence)', $res, r.base_res)) END AS cell
    FROM rows r
    WHERE $zone_system IS NULL
      AND (r.anchor_res >= coalesce($res, r.base_res) OR coalesce($res, r.base_res) NOT BETWEEN 0 AND r.base_res)
  )
),
counts AS (
  SELECT period, unit, any_value(unit_name) AS unit_name, any_value(h3) AS h3, window_start, sum(present) AS present
  FROM units
  GROUP BY period, unit, window_start
  HAVING sum(present) >= $k
),
sums AS (
  SELECT unit, any_value(unit_name) AS unit_name, any_value(h3) AS h3,
         coalesce(sum(present) FILTER (WHERE period = 'this'), 0)::DOUBLE AS this_sum,
         coalesce(sum(present) FILTER (WHERE period = 'last'), 0)::DOUBLE AS last_sum
  FROM counts
  GROUP BY unit
),
means AS (
  SELECT s.unit, s.unit_name, s.h3,
         s.this_sum / (SELECT n FROM windows WHERE period = 'this') AS this_week,
         s.last_sum / (SELECT n FROM windows WHERE period = 'last') AS last_week
  FROM sums s
)
SELECT unit, unit_name, h3, round(this_week, 2) AS this_week, round(last_week, 2) AS last_week,
       round(this_week - last_week, 2) AS change,
       round(100 * (this_week - last_week) / nullif(last_week, 0), 1) AS change_pct
FROM means
ORDER BY change DESC NULLS LAST, unit;

-- name: roamers_by_mcc
-- purpose: inbound roamers per UTC day by Mobile Country Code: devices whose MCC (table device_mcc,
--   kept before pseudonymisation) differs from the home MCC and that have a stay (table stays) that
--   day; counts below k left out. Country names: src/population/engine/mcc-countries.ts (ITU-T E.212);
--   per zone and k-safe breakdowns: `citypulse export origins` (docs/population.md).
-- param: home_mcc VARCHAR = '222'                   -- the network's own MCC
-- param: from TIMESTAMPTZ = '2000-01-01T00:00:00Z'  -- first day included (stays ending after it)
-- param: to TIMESTAMPTZ = '2100-01-01T00:00:00Z'    -- stays starting before this
-- param: k INTEGER = 20                             -- (day, mcc) counts below k are left out
-- returns: day DATE, mcc VARCHAR, devices BIGINT
SELECT CAST(timezone('UTC', s.start_ts) AS DATE) AS day, m.mcc, count(DISTINCT s.device) AS devices
FROM stays s
JOIN device_mcc m ON m.device = s.device
WHERE m.mcc <> $home_mcc AND s.end_ts > $from AND s.start_ts < $to
GROUP BY ALL
HAVING count(DISTINCT s.device) >= $k
ORDER BY day, devices DESC, mcc;

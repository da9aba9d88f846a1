import type { DuckDBConnection } from '@duckdb/node-api';
import { valueCodec } from '../duckdb/value-codec.ts';

/** Options of {@link queryAlerts}. */
export interface AlertsQuery {
  /** Alert events whose window starts at or after this (epoch ms). Default: all. */
  since?: number;
  /** At most this many, the latest first. */
  limit: number;
  /** k-anonymity: the counts of an event with fewer devices are withheld. */
  k: number;
}

/** Fields of an alert event that count people, withheld when its devices are below k. */
const COUNT_FIELDS = ['devices', 'people', 'occupancy', 'density_per_km2', 'value', 'forecast_people', 'baseline_people', 'z_score'] as const;

/**
 * Rows of the `alerts` table (one per alert event, `schemas/alert.ts`), latest window first, with
 * timestamps as RFC 3339 strings. An event with fewer than k devices keeps its area, kind, level and
 * state but has its counts set to null, its message rewritten without them, and `below_k: true`.
 * No `alerts` table (alerting never ran on this database): no rows.
 */
export async function queryAlerts(conn: DuckDBConnection, q: AlertsQuery): Promise<{ alerts: Record<string, unknown>[]; truncated: boolean }> {
  const t = await conn.runAndReadAll(
    `SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name = 'alerts' AND schema_name = 'main' AND database_name = current_database() AND NOT temporary`,
  );
  if ((t.getRowsJS()[0]![0] as number) === 0) return { alerts: [], truncated: false };
  const r = await conn.runAndReadAll(
    `SELECT * FROM main.alerts WHERE window_start >= $since
     ORDER BY window_start DESC, emitted_at DESC, alert_id, seq DESC LIMIT $limit`,
    { since: valueCodec.timestampTZ(q.since ?? 0), limit: q.limit + 1 },
  );
  const rows = r.getRowObjectsJS() as Record<string, unknown>[];
  const truncated = rows.length > q.limit;
  const alerts = rows.slice(0, q.limit).map((row) => {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(row)) out[key] = v instanceof Date ? v.toISOString() : typeof v === 'bigint' ? Number(v) : v;
    const devices = Number(out.devices);
    out.below_k = !(devices >= q.k);
    if (out.below_k) {
      for (const f of COUNT_FIELDS) out[f] = null;
      out.message = `${String(out.area_name)}: ${String(out.kind)} alert ${String(out.state)} (${String(out.level)}); counts below k=${q.k} withheld`;
    }
    return out;
  });
  return { alerts, truncated };
}

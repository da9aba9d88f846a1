import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { Alert } from '../../../schemas/alert.ts';
import { valueCodec } from '../../outputs/duckdb/value-codec.ts';
import { withAppender } from '../../outputs/duckdb/with-appender.ts';

/**
 * Appends alerts to the `alerts` table (created by {@link createAlertsTable}) through an appender
 * into the connection's temporary staging table, then `INSERT OR IGNORE`: an event already stored
 * (same alert_id and seq, e.g. from a replay of the same input) is kept as first written.
 * Returns the rows actually inserted.
 */
export async function writeAlerts(conn: DuckDBConnection, alerts: readonly Alert[]): Promise<number> {
  if (alerts.length === 0) return 0;
  await withAppender(conn, 'alerts_staging', (a) => alerts.forEach((x) => appendAlert(a, x)), null, 'temp');
  const r = await conn.run('INSERT OR IGNORE INTO alerts SELECT * FROM temp.main.alerts_staging');
  await conn.run('DELETE FROM temp.main.alerts_staging');
  return Number(r.rowsChanged);
}

function appendAlert(a: DuckDBAppender, x: Alert): void {
  const ts = (s: string) => valueCodec.appendTimestampTZ(a, Date.parse(s));
  const nullable = <T>(v: T | null, put: (v: T) => void) => (v === null ? a.appendNull() : put(v));
  a.appendVarchar(x.alert_id);
  a.appendInteger(x.seq);
  a.appendVarchar(x.area_id);
  a.appendVarchar(x.area_name);
  a.appendVarchar(x.kind);
  a.appendVarchar(x.level);
  nullable(x.previous_level, (v) => a.appendVarchar(v));
  a.appendVarchar(x.peak_level);
  a.appendVarchar(x.state);
  ts(x.window_start);
  ts(x.window_end);
  ts(x.opened_window_start);
  a.appendInteger(x.devices);
  a.appendInteger(x.people);
  a.appendInteger(x.capacity);
  a.appendDouble(x.occupancy);
  a.appendDouble(x.area_km2);
  a.appendDouble(x.density_per_km2);
  nullable(x.value, (v) => a.appendDouble(v));
  a.appendDouble(x.threshold);
  nullable(x.forecast_people, (v) => a.appendInteger(v));
  nullable(x.forecast_at, ts);
  nullable(x.baseline_people, (v) => a.appendDouble(v));
  nullable(x.z_score, (v) => a.appendDouble(v));
  a.appendVarchar(x.message);
  ts(x.window_closed_at);
  ts(x.emitted_at);
  a.endRow();
}

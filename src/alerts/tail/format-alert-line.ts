import type { Alert } from '../../../schemas/alert.ts';
import { fmtInt } from '../engine/alert-message.ts';

/**
 * One fixed-column line per alert for a duty-room terminal:
 * window (UTC), state, level, kind, area, people/capacity, and the trend for forecasts.
 * @example
 * "2026-03-02 18:30–18:45Z  escalated    critical  capacity  San Siro (stadium)  50,500/50,000 (101%)"
 */
export function formatAlertLine(a: Alert): string {
  const start = a.window_start.slice(0, 16).replace('T', ' ');
  const end = a.window_end.slice(11, 16);
  const pct = Math.round(a.occupancy * 100);
  const area = a.area_name === a.area_id ? a.area_id : `${a.area_name} (${a.area_id})`;
  const extra: Record<Alert['kind'], string> = {
    capacity: '',
    density: `  ${fmtInt(a.density_per_km2)}/km²`,
    anomaly: a.baseline_people === null ? '' : `  usually ${fmtInt(a.baseline_people)}${a.z_score === null ? '' : `, z ${a.z_score.toFixed(1)}`}`,
    forecast: a.forecast_people === null || a.forecast_at === null ? '' : `  → ${fmtInt(a.forecast_people)} by ${a.forecast_at.slice(11, 16)}Z`,
    slowdown: '',
    visitors_origin: '',
  };
  // Corridors and visitor origins have no capacity: their own message says what happened.
  if (a.kind === 'slowdown' || a.kind === 'visitors_origin') return `${start}–${end}Z  ${a.state.padEnd(12)} ${a.level.padEnd(8)}  ${a.kind.padEnd(8)}  ${a.message}`;
  return `${start}–${end}Z  ${a.state.padEnd(12)} ${a.level.padEnd(8)}  ${a.kind.padEnd(8)}  ${area}  ${fmtInt(a.people)}/${fmtInt(a.capacity)} (${pct}%)${extra[a.kind]}`;
}

import type { Alert } from '../../../schemas/alert.ts';
import type { AlertEvent } from '../engine/alert-event.ts';

/**
 * An engine event in the published shape (`alert.schema.json`): snake_case, RFC 3339 UTC times, plus
 * the processing-time stamps.
 */
export function toAlert(e: AlertEvent, stamps: { windowClosedAt: number; emittedAt: number }): Alert {
  return {
    alert_id: e.alertId,
    seq: e.seq,
    area_id: e.areaId,
    area_name: e.areaName,
    kind: e.kind,
    level: e.level,
    previous_level: e.previousLevel,
    peak_level: e.peakLevel,
    state: e.state,
    window_start: iso(e.windowStart),
    window_end: iso(e.windowEnd),
    opened_window_start: iso(e.openedWindowStart),
    devices: e.devices,
    people: e.people,
    capacity: e.capacity,
    occupancy: e.occupancy,
    area_km2: e.areaKm2,
    density_per_km2: e.densityPerKm2,
    value: e.value,
    threshold: e.threshold,
    forecast_people: e.forecastPeople,
    forecast_at: e.forecastAt === null ? null : iso(e.forecastAt),
    baseline_people: e.baselinePeople,
    z_score: e.zScore,
    message: e.message,
    window_closed_at: iso(stamps.windowClosedAt),
    emitted_at: iso(stamps.emittedAt),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

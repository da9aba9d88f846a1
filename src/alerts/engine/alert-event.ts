import type { CrowdAlertKind, AlertLevel, AlertState } from '../../../schemas/alert.ts';

/**
 * One lifecycle event as the {@link AlertEngine} produces it: deterministic plain data (times in
 * epoch ms). `toAlert` adds the processing-time stamps and gives the `alert.schema.json` shape.
 */
export interface AlertEvent {
  alertId: string;
  seq: number;
  areaId: string;
  areaName: string;
  kind: CrowdAlertKind;
  level: AlertLevel;
  previousLevel: AlertLevel | null;
  peakLevel: AlertLevel;
  state: AlertState;
  windowStart: number;
  windowEnd: number;
  openedWindowStart: number;
  devices: number;
  /** Rounded. */
  people: number;
  capacity: number;
  occupancy: number;
  areaKm2: number;
  densityPerKm2: number;
  /** The kind's measure (null when under every threshold for lack of data). */
  value: number | null;
  /** The kind's threshold for `level`. */
  threshold: number;
  forecastPeople: number | null;
  forecastAt: number | null;
  baselinePeople: number | null;
  zScore: number | null;
  message: string;
}

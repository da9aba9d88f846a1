/**
 * TypeScript mirror of `alert.schema.json`: one crowd-density alert event as published to Kafka,
 * webhooks and `--alerts-out` NDJSON, and stored (one row per event) in the DuckDB `alerts` table.
 */

/** The crowd kinds, computed by the crowd engine (it dispatches through a `Record<CrowdAlertKind, …>` table). */
export const CROWD_ALERT_KINDS = ['capacity', 'density', 'anomaly', 'forecast'] as const;
export type CrowdAlertKind = (typeof CROWD_ALERT_KINDS)[number];

/**
 * Every alert kind: the crowd kinds, plus `slowdown` (a traffic corridor; `area_id` = corridor id) and
 * `visitors_origin` (visitors from one origin in a watched area; `origin` names it), raised by the
 * alert sources in src/alerts/sources/ and delivered through the same outputs.
 */
export const ALERT_KINDS = [...CROWD_ALERT_KINDS, 'slowdown', 'visitors_origin'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** Severity levels, lowest first. */
export const ALERT_LEVELS = ['notice', 'warning', 'critical'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

/** The lifecycle events of one incident: open → (escalated | de-escalated)* → resolved. */
export const ALERT_STATES = ['open', 'escalated', 'de-escalated', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/**
 * One event of one incident. `(alert_id, seq)` identifies it; every field except `window_closed_at`
 * and `emitted_at` (processing time) is a pure function of the windows seen, so replays regenerate
 * the same events.
 */
export interface Alert {
  /** Incident id: hash of area id, kind and the window that opened it. Stable across restarts and replays. */
  alert_id: string;
  /** 0 for `open`, then +1 per event of the incident. Consumers dedupe on (alert_id, seq). */
  seq: number;
  /** Watched area id; for `slowdown`, the corridor id. */
  area_id: string;
  area_name: string;
  kind: AlertKind;
  /** `visitors_origin` only: the origin (home zone, ISO country, `unknown`). Also in `message` (the table has no column for it). */
  origin?: string;
  /** Level after this event; on `resolved`, the level the incident had when it resolved. */
  level: AlertLevel;
  /** Level before this event (null on `open`). */
  previous_level: AlertLevel | null;
  /** Highest level the incident reached so far. */
  peak_level: AlertLevel;
  state: AlertState;
  /** The window this event was computed from (RFC 3339, UTC). */
  window_start: string;
  window_end: string;
  /** Start of the window that opened the incident. */
  opened_window_start: string;
  /**
   * Devices present in the area in the window; `slowdown`: devices with a speed in the bin;
   * `visitors_origin`: visitors from the origin. For the new kinds 0 when below k (withheld).
   */
  devices: number;
  /** Estimated people: devices × scale factor, rounded. */
  people: number;
  /** The area's capacity; 0 for `slowdown` (a corridor has none). */
  capacity: number;
  /** people / capacity (0 for `slowdown`). */
  occupancy: number;
  /** Area of the area's H3 cells, km². */
  area_km2: number;
  density_per_km2: number;
  /** The kind's measure: people (capacity, forecast), people/km² (density), z-score (anomaly), congestion 0–1 (slowdown), visitors (visitors_origin; null when below k). */
  value: number | null;
  /** The kind's threshold for `level`, in the unit of `value`. */
  threshold: number;
  /** People the recent trend predicts at `forecast_at`; null without enough history or a rising trend. */
  forecast_people: number | null;
  forecast_at: string | null;
  /** Usual people for this weekday and time of day; null before the cold-start period is over. */
  baseline_people: number | null;
  z_score: number | null;
  /** One human-readable line. */
  message: string;
  /** Processing time at which the alerting plugin received the closed window. */
  window_closed_at: string;
  /** Processing time at which the engine produced this event. */
  emitted_at: string;
  /**
   * Index of this event's entry in the ledger of the database that stored it (present when the
   * ledger is on): ask `citypulse audit prove` or `/api/v1/audit/proof/INDEX` for its inclusion proof.
   */
  ledger_index?: number;
}

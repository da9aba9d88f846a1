import { reject, type Rejection } from './errors.ts';
import { parseEventTime } from './timestamp.ts';

/** A record that passed validation; the kind follows from its fields. Still carries the raw IMSI. */
export type ValidRecord =
  | { kind: 'signalling'; ts: number; imsi: string; cell: string; event: string }
  | { kind: 'location'; ts: number; imsi: string; lat: number; lon: number };

/**
 * Checks one decoded JSON value against the event contracts (schemas/*.schema.json).
 * `cell` makes it a signalling event, `lat`/`lon` a location event.
 */
export function validateRecord(value: unknown, nowMs: number): ValidRecord | Rejection {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject('not_an_object', `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`);
  }
  const r = value as Record<string, unknown>;
  const hasCell = r.cell !== undefined;
  const hasPos = r.lat !== undefined || r.lon !== undefined;
  if (!hasCell && !hasPos) return reject('unknown_kind', 'record has neither cell (signalling) nor lat/lon (location)');

  if (r.imsi === undefined || r.imsi === null) return reject('missing_field', 'imsi is missing');
  if (typeof r.imsi !== 'string' || r.imsi.length === 0) return reject('invalid_field', 'imsi must be a non-empty string');
  const ts = parseEventTime(r.ts, nowMs);
  if (typeof ts !== 'number') return ts;

  if (hasCell) {
    if (typeof r.cell !== 'string' || r.cell.length === 0) return reject('invalid_field', 'cell must be a non-empty string');
    if (r.event === undefined || r.event === null) return reject('missing_field', 'event is missing');
    if (typeof r.event !== 'string' || r.event.length === 0) return reject('invalid_field', 'event must be a non-empty string');
    return { kind: 'signalling', ts, imsi: r.imsi, cell: r.cell, event: r.event };
  }
  if (r.lat === undefined || r.lat === null) return reject('missing_field', 'lat is missing');
  if (r.lon === undefined || r.lon === null) return reject('missing_field', 'lon is missing');
  if (typeof r.lat !== 'number' || !Number.isFinite(r.lat)) return reject('invalid_field', 'lat must be a number');
  if (typeof r.lon !== 'number' || !Number.isFinite(r.lon)) return reject('invalid_field', 'lon must be a number');
  if (r.lat < -90 || r.lat > 90 || r.lon < -180 || r.lon > 180) {
    return reject('coordinates_out_of_range', r.lat < -90 || r.lat > 90 ? 'lat is outside −90..90' : 'lon is outside −180..180');
  }
  if (r.accuracy_m !== undefined && (typeof r.accuracy_m !== 'number' || !(r.accuracy_m >= 0))) {
    return reject('invalid_field', 'accuracy_m must be a non-negative number');
  }
  return { kind: 'location', ts, imsi: r.imsi, lat: r.lat, lon: r.lon };
}

/** True when `v` is a {@link Rejection}. */
export function isRejection(v: unknown): v is Rejection {
  return typeof v === 'object' && v !== null && 'reason' in v && 'detail' in v;
}

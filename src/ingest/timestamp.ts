import { reject, type Rejection } from './errors.ts';

/** 2000-01-01T00:00:00Z: events before this are rejected as implausible. */
export const MIN_EVENT_TIME_MS = Date.UTC(2000, 0, 1);
/** How far ahead of the wall clock an event may be. */
export const MAX_FUTURE_MS = 86_400_000;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Reads an event time (epoch ms integer or RFC 3339 string) and checks it is plausible:
 * on or after 2000-01-01 and at most one day ahead of `nowMs`. Historical replays are fine. Rejection
 * details name the field, never its value (a swapped column may put an IMSI there).
 */
export function parseEventTime(value: unknown, nowMs: number): number | Rejection {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return reject('invalid_timestamp', 'ts is not an integer of epoch milliseconds');
    ms = value;
  } else if (typeof value === 'string') {
    if (!RFC3339.test(value)) return reject('invalid_timestamp', 'ts is not RFC 3339');
    ms = Date.parse(value);
    if (Number.isNaN(ms)) return reject('invalid_timestamp', 'ts is not a valid date');
  } else if (value === undefined || value === null) {
    return reject('missing_field', 'ts is missing');
  } else {
    return reject('invalid_timestamp', `ts must be epoch ms or an RFC 3339 string, got ${typeof value}`);
  }
  if (ms < MIN_EVENT_TIME_MS) return reject('timestamp_out_of_range', 'ts is before 2000-01-01');
  if (ms > nowMs + MAX_FUTURE_MS) {
    return reject('timestamp_out_of_range', 'ts is more than a day ahead of the wall clock');
  }
  return ms;
}

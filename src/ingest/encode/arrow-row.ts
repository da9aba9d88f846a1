import { parseEventTime } from '../timestamp.ts';

/**
 * One input record as a row of the Arrow record-batch contract (see `decodeArrowMessage`): `null`
 * where the JSON record lacks the field.
 */
export interface ArrowRow {
  /** Epoch ms. */
  ts: number | null;
  imsi: string | null;
  cell: string | null;
  event: string | null;
  lat: number | null;
  lon: number | null;
  accuracy_m: number | null;
}

/**
 * The Arrow row of a decoded JSON record, or null when the record cannot travel as a row without
 * changing how the pipeline judges it (then send it as JSON: it is dead-lettered the same way).
 *
 * A row keeps the record's fate: the same fields present, the same validation outcome. So a field
 * whose JSON `null` and absence mean different things (`cell`, `lat`, `lon`, `accuracy_m`: presence
 * decides the record kind) must be absent or of its type; `imsi`, `event` and `ts` may also be null.
 * An RFC 3339 `ts` becomes epoch ms (the instant is kept; a rejected record's dead-letter payload then
 * shows ms); a `ts` that is not a plausible integer or RFC 3339 instant is not representable.
 */
export function toArrowRow(value: unknown): ArrowRow | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const r = value as Record<string, unknown>;
  let ts: number | null = null;
  if (typeof r.ts === 'number') {
    if (!Number.isSafeInteger(r.ts)) return null;
    ts = r.ts;
  } else if (typeof r.ts === 'string') {
    // Readable RFC 3339 only (implausible instants stay rows: the pipeline judges them as in JSON).
    const ms = parseEventTime(r.ts, Infinity);
    if (typeof ms === 'number') ts = ms;
    else if (ms.reason === 'timestamp_out_of_range') ts = Date.parse(r.ts);
    else return null;
    if (!Number.isSafeInteger(ts)) return null;
  } else if (r.ts !== undefined && r.ts !== null) return null;
  const imsi = stringOrNull(r.imsi, true);
  const cell = stringOrNull(r.cell, false);
  const event = stringOrNull(r.event, true);
  const lat = numberOrNull(r.lat);
  const lon = numberOrNull(r.lon);
  const acc = numberOrNull(r.accuracy_m);
  if (imsi === false || cell === false || event === false || lat === false || lon === false || acc === false) return null;
  return { ts, imsi, cell, event, lat, lon, accuracy_m: acc };
}

/** The string, null when absent (or JSON null where null means absent), false when not representable. */
function stringOrNull(v: unknown, nullMeansAbsent: boolean): string | null | false {
  if (v === undefined) return null;
  if (v === null) return nullMeansAbsent ? null : false;
  return typeof v === 'string' ? v : false;
}

function numberOrNull(v: unknown): number | null | false {
  if (v === undefined) return null;
  return typeof v === 'number' && Number.isFinite(v) ? v : false;
}

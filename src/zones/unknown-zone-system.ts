import { ZoneError } from './zone-error.ts';

/**
 * The one error for a zone system that is not loaded, the same in `sql run`, the named queries of the
 * HTTP API and `/api/v1/zones/…` (kind `not_found`: exit 2, HTTP 404).
 * @example throw unknownZoneSystem('nil', ['districts']) // unknown zone system "nil" (known: districts)
 */
export function unknownZoneSystem(system: string, known: readonly string[]): ZoneError {
  const list = known.length > 0 ? known.join(', ') : 'none; load one with citypulse zones load';
  return new ZoneError(`unknown zone system ${JSON.stringify(system)} (known: ${list})`, { kind: 'not_found' });
}

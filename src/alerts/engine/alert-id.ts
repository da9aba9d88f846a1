import { createHash } from 'node:crypto';
import type { AlertKind } from '../../../schemas/alert.ts';

/**
 * The id of an incident: the first 128 bits (32 hex digits) of SHA-256 over the JSON array
 * `[areaId, kind, openedWindowStart]`. Deterministic, so a restart or a replay names the same
 * incident the same way. `subject` (e.g. a visitor origin) joins the array when given:
 * `[areaId, kind, subject, openedWindowStart]`.
 * @example alertId('stadium', 'capacity', Date.UTC(2026, 2, 2, 19, 30))
 */
export function alertId(areaId: string, kind: AlertKind, openedWindowStart: number, subject?: string): string {
  const key = subject === undefined ? [areaId, kind, openedWindowStart] : [areaId, kind, subject, openedWindowStart];
  return createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 32);
}

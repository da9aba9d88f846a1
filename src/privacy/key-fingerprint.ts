import { createHmac } from 'node:crypto';

/**
 * A public fingerprint of the pseudonymisation key: HMAC-SHA-256(key, "citypulse-key-fingerprint"),
 * first 16 hex digits. It names the key (two runs with different keys differ) without revealing it or
 * any pseudonym. Stored in each database's `db_meta`; with periodic re-pseudonymisation the period is
 * part of it (a database is written with one key and one period).
 */
export function keyFingerprint(key: Uint8Array, rotateEveryMs?: number): string {
  const fp = createHmac('sha256', key).update('citypulse-key-fingerprint').digest('hex').slice(0, 16);
  return rotateEveryMs === undefined ? fp : `${fp}/rotate-${rotateEveryMs}ms`;
}

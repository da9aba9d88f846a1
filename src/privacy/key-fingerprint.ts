import { createHmac } from 'node:crypto';

/**
 * A public fingerprint of the pseudonymisation key: HMAC-SHA-256(key, "citypulse-key-fingerprint"),
 * first 16 hex digits. It names the key (two runs with different keys differ) without revealing it or
 * any pseudonym. Stored in each database's `db_meta`.
 */
export function keyFingerprint(key: Uint8Array): string {
  return createHmac('sha256', key).update('citypulse-key-fingerprint').digest('hex').slice(0, 16);
}

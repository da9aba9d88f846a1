import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where the key came from, so the CLI can say so. */
export interface LoadedKey {
  key: Uint8Array;
  source: 'config' | 'file' | 'created';
  /** The key file, when one was read or created. */
  path?: string;
}

/**
 * Resolves the pseudonymisation key: an explicit key (hex of ≥ 32 digits, or any text of ≥ 16 bytes)
 * wins; otherwise the key file is read; when it does not exist a random 32-byte key is created there,
 * readable by the owner only (mode 0600).
 */
export function loadOrCreateKey(options: { key?: string; keyFile: string }): LoadedKey {
  if (options.key) {
    const k = options.key.trim();
    const bytes = /^[0-9a-fA-F]{32,}$/.test(k) && k.length % 2 === 0 ? Buffer.from(k, 'hex') : Buffer.from(k, 'utf8');
    if (bytes.length < 16) throw new RangeError('the pseudonymisation key must be at least 16 bytes (32 hex digits)');
    return { key: bytes, source: 'config' };
  }
  const path = options.keyFile;
  if (existsSync(path)) {
    const mode = statSync(path).mode & 0o777;
    if (mode & 0o077) chmodSync(path, 0o600);
    const hex = readFileSync(path, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`key file ${path} does not hold a 64-digit hex key`);
    return { key: Buffer.from(hex, 'hex'), source: 'file', path };
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(path, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, source: 'created', path };
}

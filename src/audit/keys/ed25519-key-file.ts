import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CitypulseError } from '../../core/citypulse-error.ts';

/** An Ed25519 key pair read from (or just created in) a PKCS#8 PEM file. */
export interface Ed25519KeyFile {
  privateKey: KeyObject;
  publicKey: KeyObject;
  path: string;
  /** True when the file did not exist and was created now. */
  created: boolean;
}

/**
 * Reads the Ed25519 private key in `path` (PKCS#8 PEM), or creates a new one there — folder 0700,
 * file 0600, never overwriting — like the pseudonymisation key. A group/world-readable file is
 * tightened to 0600.
 *
 * @example
 * const { privateKey } = loadOrCreateEd25519Key(resolveKeyFile(process.env, 'ledger-ed25519.pem', flags['ledger-key']));
 */
export function loadOrCreateEd25519Key(path: string): Ed25519KeyFile {
  if (existsSync(path)) {
    if (statSync(path).mode & 0o077) chmodSync(path, 0o600);
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(readFileSync(path, 'utf8'));
    } catch (cause) {
      throw new CitypulseError(`key file ${path} does not hold a PEM private key`, { kind: 'usage', cause, file: path });
    }
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new CitypulseError(`key file ${path} holds a ${privateKey.asymmetricKeyType} key, not Ed25519`, { kind: 'usage', file: path });
    return { privateKey, publicKey: createPublicKey(privateKey), path, created: false };
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  return { privateKey, publicKey, path, created: true };
}

/** Reads a public key (SPKI PEM) — or the public half of a private key file. */
export function readPublicKeyFile(path: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new CitypulseError(`cannot read public key ${path}: ${(cause as Error).message}`, { kind: 'usage', cause, file: path });
  }
  try {
    const key = createPublicKey(text);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error(`a ${key.asymmetricKeyType} key, not Ed25519`);
    return key;
  } catch (cause) {
    throw new CitypulseError(`${path} does not hold an Ed25519 public key (PEM): ${(cause as Error).message}`, { kind: 'usage', cause, file: path });
  }
}

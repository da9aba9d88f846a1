import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';
import { sha256 } from './merkle-hash.ts';

/**
 * A signed tree head: the ledger `log_id` had `size` entries with Merkle root `root_hash` at `time`,
 * signed with Ed25519 by the key `key_id` (SHA-256 of the raw 32-byte public key, hex, first 32 digits).
 */
export interface SignedTreeHead {
  log_id: string;
  size: number;
  /** Merkle Tree Hash, hex. */
  root_hash: string;
  /** RFC 3339 UTC. */
  time: string;
  key_id: string;
  /** Ed25519 signature over {@link treeHeadMessage}, base64. */
  signature: string;
}

const PREFIX = 'citypulse signed tree head v1\n';

/** The bytes a head's signature covers: a fixed prefix and the canonical JSON of every field but the signature. */
export function treeHeadMessage(head: Omit<SignedTreeHead, 'signature'>): Buffer {
  const { log_id, size, root_hash, time, key_id } = head;
  return Buffer.from(PREFIX + canonicalJson({ key_id, log_id, root_hash, size, time }), 'utf8');
}

/** Key id of an Ed25519 public key: SHA-256 of its raw 32 bytes, hex, first 32 digits. */
export function keyIdOf(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x) throw new TypeError('not an Ed25519 public key');
  return sha256(Buffer.from(jwk.x, 'base64url')).toString('hex').slice(0, 32);
}

/** Signs a tree head with an Ed25519 private key. */
export function signTreeHead(head: { log_id: string; size: number; root_hash: string; time: string }, privateKey: KeyObject): SignedTreeHead {
  const key_id = keyIdOf(createPublicKey(privateKey));
  const unsigned = { ...head, key_id };
  return { ...unsigned, signature: sign(null, treeHeadMessage(unsigned), privateKey).toString('base64') };
}

/** Why a head is not acceptable, or null when its shape, key id and signature are right. */
export function checkTreeHead(head: unknown, publicKey: KeyObject): string | null {
  const h = head as Partial<SignedTreeHead> | null;
  if (!h || typeof h !== 'object') return 'not a JSON object';
  if (typeof h.log_id !== 'string' || !Number.isInteger(h.size) || (h.size as number) < 0) return 'log_id or size missing';
  if (typeof h.root_hash !== 'string' || !/^[0-9a-f]{64}$/.test(h.root_hash)) return 'root_hash is not 64 hex digits';
  if (typeof h.time !== 'string' || typeof h.key_id !== 'string' || typeof h.signature !== 'string') return 'time, key_id or signature missing';
  const expected = keyIdOf(publicKey);
  if (h.key_id !== expected) return `signed by key ${h.key_id}, not by this public key (${expected})`;
  const ok = verify(null, treeHeadMessage(h as SignedTreeHead), publicKey, Buffer.from(h.signature, 'base64'));
  return ok ? null : 'the signature does not verify';
}

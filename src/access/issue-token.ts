import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { keyIdOf } from '../audit/engine/tree-head.ts';
import type { TokenRecord } from './token-registry.ts';

/** The issuer claim of every citypulse token. */
export const TOKEN_ISSUER = 'citypulse';

/** What {@link issueToken} needs. */
export interface IssueTokenRequest {
  name: string;
  scopes: readonly string[];
  /** Lifetime in ms; undefined: no expiry. */
  ttlMs?: number;
  now?: number;
}

/**
 * Signs an EdDSA (Ed25519) JWT through `jose`: `iss` citypulse, `sub` the name, `jti` a random id,
 * `scope` the space-separated scopes (RFC 8693 style), `iat`, and `exp` when a lifetime is given.
 * Returns the token and the registry record (which never holds the token).
 */
export async function issueToken(privateKey: KeyObject, publicKey: KeyObject, req: IssueTokenRequest): Promise<{ token: string; record: TokenRecord }> {
  const now = req.now ?? Date.now();
  const id = randomUUID();
  const iat = Math.floor(now / 1000);
  let jwt = new SignJWT({ scope: req.scopes.join(' ') })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: keyIdOf(publicKey) })
    .setIssuer(TOKEN_ISSUER)
    .setSubject(req.name)
    .setJti(id)
    .setIssuedAt(iat);
  const exp = req.ttlMs === undefined ? null : Math.floor((now + req.ttlMs) / 1000);
  if (exp !== null) jwt = jwt.setExpirationTime(exp);
  const token = await jwt.sign(privateKey);
  return {
    token,
    record: { id, name: req.name, scopes: [...req.scopes], created_at: new Date(iat * 1000).toISOString(), expires_at: exp === null ? null : new Date(exp * 1000).toISOString(), revoked_at: null },
  };
}

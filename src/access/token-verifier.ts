import type { KeyObject } from 'node:crypto';
import { jwtVerify, errors } from 'jose';
import { TOKEN_ISSUER } from './issue-token.ts';
import type { TokenRegistry } from './token-registry.ts';

/** A token that passed: who it is and what it may do. */
export interface TokenIdentity {
  id: string;
  name: string;
  scopes: string[];
}

/** The outcome of {@link TokenVerifier.verify}: an identity, or why the token is refused (401). */
export type TokenCheck = { ok: true; identity: TokenIdentity } | { ok: false; reason: 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'revoked' | 'unknown' };

/**
 * Checks `Authorization: Bearer` tokens: the EdDSA signature against the token-signing public key
 * (only EdDSA is accepted), the issuer, the expiry, and the registry (a revoked or unknown `jti` is
 * refused). Reads no database, so it works while a writer holds it.
 */
export class TokenVerifier {
  readonly #publicKey: KeyObject;
  readonly #registry: TokenRegistry;
  readonly #now: () => number;

  constructor(config: { publicKey: KeyObject; registry: TokenRegistry; now?: () => number }) {
    this.#publicKey = config.publicKey;
    this.#registry = config.registry;
    this.#now = config.now ?? Date.now;
  }

  /** Checks an `Authorization` header value. */
  async verify(authorization: string | undefined): Promise<TokenCheck> {
    if (!authorization) return { ok: false, reason: 'missing' };
    const m = /^Bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/i.exec(authorization);
    if (!m) return { ok: false, reason: 'malformed' };
    let payload;
    try {
      ({ payload } = await jwtVerify(m[1]!, this.#publicKey, { issuer: TOKEN_ISSUER, algorithms: ['EdDSA'], currentDate: new Date(this.#now()) }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
      if (err instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'bad_signature' };
      return { ok: false, reason: 'malformed' };
    }
    if (typeof payload.jti !== 'string' || typeof payload.sub !== 'string') return { ok: false, reason: 'malformed' };
    const record = this.#registry.get(payload.jti);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.revoked_at !== null) return { ok: false, reason: 'revoked' };
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    return { ok: true, identity: { id: payload.jti, name: payload.sub, scopes } };
  }
}

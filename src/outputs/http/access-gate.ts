import type { IncomingHttpHeaders } from 'node:http';
import { allows, type Scope } from '../../access/scopes.ts';
import { TokenBuckets, type RateLimitConfig } from '../../access/token-bucket.ts';
import type { TokenVerifier } from '../../access/token-verifier.ts';
import type { AccessLedgerEntry } from '../../audit/engine/ledger-entry.ts';
import type { Reply } from './reply.ts';

/** Access control of the HTTP server: tokens, scopes, rate limits and the access ledger. */
export interface AccessConfig {
  /** Checks bearer tokens (signature, expiry, revocation). */
  verifier: TokenVerifier;
  /** Per-token rate limit. Default 60 at once, 10/s sustained. */
  rateLimit?: RateLimitConfig;
  /**
   * Records one entry per request (the serve ledger). A failure to record answers 503: an access
   * that cannot be recorded is not served. Default none.
   */
  record?: (entry: AccessLedgerEntry) => Promise<void>;
  /** Clock, ms. Default Date.now. */
  now?: () => number;
}

/**
 * Paths anyone may read without a token: the page, health and readiness, the OpenAPI document, and
 * the Prometheus metrics (operational counters only; no count of people).
 */
const OPEN_PATHS = new Set(['/', '/healthz', '/readyz', '/metrics', '/api/v1/openapi.json']);
/** Path prefix of the page's browser libraries (vendor-routes.ts), open like the page itself. */
const OPEN_PREFIX = '/vendor/';

/** Data routes by path prefix → the scope they need. Anything else under /api/ needs `admin`. */
const ROUTE_SCOPES: [prefix: string, scope: Scope][] = [
  ['/api/v1/windows', 'heatmap:read'],
  ['/api/v1/live', 'heatmap:read'],
  ['/api/v1/heatmap', 'heatmap:read'],
  ['/api/v1/alerts', 'alerts:read'],
  ['/api/v1/areas', 'alerts:read'],
  ['/api/v1/zones', 'population:read'],
  ['/api/v1/population', 'population:read'],
  ['/api/v1/areas', 'population:read'],
  ['/api/v1/od', 'od:read'],
  ['/api/v1/traffic', 'traffic:read'],
  ['/api/v1/forecast', 'traffic:read'],
  ['/api/v1/queries', 'queries:read'],
  ['/api/v1/audit', 'audit:read'],
];

/** The scope a path needs: null for the open paths, `admin` for any path not listed. */
export function routeScope(pathname: string): Scope | null {
  if (OPEN_PATHS.has(pathname) || pathname.startsWith(OPEN_PREFIX)) return null;
  for (const [prefix, scope] of ROUTE_SCOPES) if (pathname === prefix || pathname.startsWith(prefix + '/')) return scope;
  return 'admin';
}

/** What the gate decided: go on (with the caller's token name and scopes), or answer `reply` now. */
export type GateDecision = { tokenName: string | null; reply?: Reply; scopes?: readonly string[] };

const deny = (status: number, error: string, detail: string, headers: Record<string, string> = {}): Reply => ({
  status,
  contentType: 'application/json; charset=utf-8',
  body: JSON.stringify({ error, detail }),
  headers,
});

const REASONS: Record<string, string> = {
  missing: 'this route needs Authorization: Bearer <token> (citypulse tokens create)',
  malformed: 'the bearer token is not a valid citypulse token',
  bad_signature: 'the bearer token is not signed by this server’s token key',
  expired: 'the bearer token has expired',
  revoked: 'the bearer token was revoked',
  unknown: 'the bearer token is not in the token registry',
};

/**
 * The gate in front of every route: open paths pass; others need a valid token (401 otherwise, with
 * `WWW-Authenticate: Bearer`), one of the route's scope or `admin` (403), and a token left in its
 * bucket (429 with `Retry-After`).
 */
export function createAccessGate(config: AccessConfig): (method: string, pathname: string, headers: IncomingHttpHeaders) => Promise<GateDecision> {
  const buckets = new TokenBuckets(config.rateLimit);
  const now = config.now ?? Date.now;
  return async (method, pathname, headers) => {
    const needed = method === 'OPTIONS' ? null : routeScope(pathname);
    if (needed === null) return { tokenName: null };
    const check = await config.verifier.verify(headers.authorization);
    if (!check.ok) {
      return { tokenName: null, reply: deny(401, 'unauthorized', REASONS[check.reason]!, { 'www-authenticate': `Bearer realm="citypulse", error="invalid_token"` }) };
    }
    const { identity } = check;
    if (!allows(identity.scopes, needed)) {
      return { tokenName: identity.name, reply: deny(403, 'forbidden', `token "${identity.name}" lacks the scope ${needed} (it has: ${identity.scopes.join(', ') || 'none'})`) };
    }
    const wait = buckets.take(identity.id, now());
    if (wait > 0) return { tokenName: identity.name, reply: deny(429, 'too_many_requests', `token "${identity.name}" is over its rate limit (${buckets.perSecond}/s, bursts of ${buckets.burst}); retry in ${wait} s`, { 'retry-after': String(wait) }) };
    return { tokenName: identity.name, scopes: identity.scopes };
  };
}

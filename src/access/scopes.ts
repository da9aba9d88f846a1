/**
 * The rights a token can carry. `admin` implies every other scope. Closed set: the HTTP server maps
 * each data route to one of these (see routeScope).
 */
export const SCOPES = ['heatmap:read', 'alerts:read', 'od:read', 'population:read', 'traffic:read', 'queries:read', 'audit:read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** True when `s` names a scope. */
export function isScope(s: string): s is Scope {
  return (SCOPES as readonly string[]).includes(s);
}

/** True when a token with `granted` scopes may use something that needs `needed`. */
export function allows(granted: readonly string[], needed: Scope): boolean {
  return granted.includes('admin') || granted.includes(needed);
}

import type { Registry } from 'prom-client';
import type { Readiness } from '../../core/stream-observer.ts';
import type { Route } from './api-route-types.ts';
import { QueryString } from './query-string.ts';

/** What {@link operationsRoutes} read. */
export interface OperationsContext {
  registry: Registry;
  readiness: () => Readiness;
}

/**
 * Routes for orchestrators and monitoring, open like `/healthz`: `/readyz` (200 when ready, 503 with
 * the reason) and `/metrics` (Prometheus exposition format).
 */
export function operationsRoutes(ctx: OperationsContext): Route[] {
  return [
    {
      path: '/readyz',
      handler: async (req) => {
        new QueryString(req.query, []);
        const r = ctx.readiness();
        return { status: r.ready ? 200 : 503, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ status: r.ready ? 'ready' : 'not_ready', reason: r.reason }) };
      },
    },
    {
      path: '/metrics',
      handler: async (req) => {
        new QueryString(req.query, []);
        return { contentType: ctx.registry.contentType, body: await ctx.registry.metrics() };
      },
    },
  ];
}

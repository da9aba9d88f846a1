import type { DuckDBInstance } from '@duckdb/node-api';
import type { StreamObserver, StreamStatus } from '../../core/stream-observer.ts';
import { DEFAULT_K } from '../../outputs/export/k-anonymity.ts';
import { startHttpServer, type RunningHttpServer } from '../../outputs/http/start-http-server.ts';
import { createMetricsRegistry } from '../../outputs/metrics/metrics-registry.ts';
import { createStreamMetrics, type AlertDeliverySource } from '../../outputs/metrics/stream-metrics.ts';
import { UsageError, logOf, type CommandContext } from '../command.ts';
import { httpLoggerOf } from '../log/create-cli-logger.ts';
import { parseHostPort } from './host-port.ts';
import { corsOriginsFromFlags, openServeAccess, rateFromFlags, tlsFromFlags, type ServeAccess } from './serve-access.ts';

/** The parseArgs options of `stream --http` (`--ledger-key` comes from the ledger flags). */
export const STREAM_HTTP_FLAGS = {
  http: { type: 'string' },
  k: { type: 'string' },
  'http-ledger': { type: 'string' },
  'token-key': { type: 'string' },
  'cors-origin': { type: 'string', multiple: true },
  rate: { type: 'string' },
  burst: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'ready-max-lag': { type: 'string' },
} as const;

/** Help lines of {@link STREAM_HTTP_FLAGS}. */
export const STREAM_HTTP_FLAGS_HELP = `  --http HOST:PORT         also serve the API and dashboard of \`citypulse serve\` from this process
                           (PORT 0: any free one; the URL is printed on stderr), with live updates
                           (GET /api/v1/live, server-sent events), /healthz, /readyz and /metrics
                           (Prometheus). Docs: docs/http-api.md#serving-from-the-stream-stream---http
  --k N                    k-anonymity threshold of the API (default ${DEFAULT_K})
  --ready-max-lag N        /readyz: caught up when each partition lags ≤ N messages (default 1000)
  --http-ledger FILE       the serve ledger of API accesses (default <db>.serve-ledger.duckdb)
  --token-key F, --cors-origin O, --rate R, --burst N, --tls-cert PEM, --tls-key PEM
                           as for citypulse serve (bearer tokens on every /api/v1 data route)`;

/** `--http` and its options, checked. */
export interface StreamHttpOptions {
  host: string;
  port: number;
  k: number;
  readyMaxLag: number;
  corsOrigins: string[];
  tls?: { cert: Buffer; key: Buffer };
  rate: number;
  burst: number;
  values: Record<string, unknown>;
}

/**
 * Reads {@link STREAM_HTTP_FLAGS}: null without `--http` (then any of its options is refused).
 * Everything is checked before the stream connects.
 */
export function streamHttpFromFlags(values: Record<string, unknown>): StreamHttpOptions | null {
  const http = values.http as string | undefined;
  if (http === undefined) {
    for (const f of Object.keys(STREAM_HTTP_FLAGS)) if (f !== 'http' && values[f] !== undefined) throw new UsageError(`--${f} needs --http HOST:PORT`);
    return null;
  }
  const { host, port } = parseHostPort(http, '--http');
  const k = Number(values.k ?? DEFAULT_K);
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`--k must be an integer ≥ 2, got ${String(values.k)}`);
  const readyMaxLag = Number(values['ready-max-lag'] ?? 1000);
  if (!Number.isInteger(readyMaxLag) || readyMaxLag < 0) throw new UsageError(`--ready-max-lag must be an integer ≥ 0, got ${String(values['ready-max-lag'])}`);
  const { rate, burst } = rateFromFlags({ rate: values.rate ?? '10', burst: values.burst ?? '60' });
  return { host, port, k, readyMaxLag, corsOrigins: corsOriginsFromFlags(values), tls: tlsFromFlags(values), rate, burst, values };
}

/** The HTTP side of a running stream: the observer to give `runStream`, and how to stop it. */
export interface StreamHttp {
  observer: StreamObserver;
  server: RunningHttpServer;
  close(reason: string): Promise<void>;
}

/**
 * Starts the stream's HTTP server on the writer's DuckDB instance, with Prometheus metrics of the
 * stream, and returns the observer that feeds both (refresh after each checkpoint that published).
 */
export async function startStreamHttp(o: StreamHttpOptions, ctx: CommandContext, db: { instance: DuckDBInstance; path: string }, alerts?: AlertDeliverySource): Promise<StreamHttp> {
  const registry = createMetricsRegistry();
  const metrics = createStreamMetrics(registry, alerts);
  let status: StreamStatus | null = null;
  const v = o.values;
  const served: ServeAccess = await openServeAccess(ctx.env, {
    dbPath: db.path,
    ledger: v['http-ledger'] as string | undefined,
    ledgerFlag: 'http-ledger',
    ledgerKey: v['ledger-key'] as string | undefined,
    tokenKey: v['token-key'] as string | undefined,
    rate: o.rate,
    burst: o.burst,
  });
  let server: RunningHttpServer;
  try {
    server = await startHttpServer({
      dbPath: db.path,
      instance: db.instance,
      host: o.host,
      port: o.port,
      k: o.k,
      logger: httpLoggerOf(logOf(ctx)),
      access: served.access,
      corsOrigins: o.corsOrigins,
      tls: o.tls,
      metrics: registry,
      readiness: () => status?.readiness() ?? { ready: false, reason: 'the stream has not started' },
      // The stream's watched areas (--areas): the dashboard's occupancy gauges and /api/v1/areas.
      ...(typeof v.areas === 'string' ? { areasFile: v.areas } : {}),
    });
  } catch (err) {
    await served.close();
    throw err;
  }
  ctx.stderr.write(`stream   serving ${server.url} (dashboard, /api/v1/live, /readyz, /metrics); access ledger ${served.ledgerPath}\n`);
  return {
    server,
    observer: {
      attach(s) {
        status = s;
        metrics.attach?.(s);
      },
      checkpointed(info) {
        metrics.checkpointed?.(info);
        if (info.publishedUntil !== info.publishedBefore) void server.refresh();
      },
    },
    async close(reason) {
      await server.close(reason);
      await served.close();
    },
  };
}

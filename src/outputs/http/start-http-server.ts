import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { readAreasFile } from '../../alerts/areas/read-areas-file.ts';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { Histogram, type Registry } from 'prom-client';
import type { Readiness } from '../../core/stream-observer.ts';
import { ensureAnalystTables } from '../duckdb/ensure-analyst-tables.ts';
import { openDatabase, type Database } from '../duckdb/open.ts';
import { checkK, DEFAULT_K } from '../export/k-anonymity.ts';
import { ApiError, apiErrorOf } from './api-error.ts';
import { createAccessGate, type AccessConfig, type GateDecision } from './access-gate.ts';
import { apiRoutes, type Route } from './api-routes.ts';
import { auditRoutes } from './audit-routes.ts';
import { dashboardPage } from './dashboard-page.ts';
import { silentHttpLogger, type HttpLogger } from './http-log.ts';
import { QueryCatalogue } from './query-catalogue.ts';
import { ensureRelease } from '../../privacy/duckdb/ensure-release.ts';
import { QueryRunner } from './query-runner.ts';
import type { Reply } from './reply.ts';
import { LiveHub } from './live-hub.ts';
import { allows } from '../../access/scopes.ts';
import { LiveUpdates } from './live-updates.ts';
import { createHttpMetrics, type HttpMetrics } from '../metrics/http-metrics.ts';
import { createMetricsRegistry } from '../metrics/metrics-registry.ts';
import { registerDuckDbMemory } from '../metrics/duckdb-memory-metrics.ts';
import { operationsRoutes } from './operations-routes.ts';

/** Configuration of {@link startHttpServer}. */
export interface HttpServerConfig {
  /** DuckDB file written by ingest/stream/merge. Opened read-only: no process may be writing it. */
  dbPath: string;
  /** TCP port; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1` (this machine only). */
  host?: string;
  /** k-anonymity threshold of every response (clients may ask for more, never less). Default 20, at least 2. */
  k?: number;
  /** Rows a named query or window list sends at most (more: `truncated: true`). Default 10 000. */
  maxRows?: number;
  /** Hexagons a heatmap response holds at most (more: 413). Default 50 000. */
  maxFeatures?: number;
  /** Bytes a response body may have before compression (more: 413). Default 32 MiB. */
  maxBodyBytes?: number;
  /** A database query running longer is interrupted (503). Default 15 000 ms. */
  queryTimeoutMs?: number;
  /** Cache-Control max-age of data responses, s. Default 30. */
  cacheSeconds?: number;
  /** On close, connections still busy after this are cut. Default 5 000 ms. */
  closeGraceMs?: number;
  /** Folder of the named queries. Default the repository's `sql/`. */
  sqlDir?: string;
  /** Receives typed log events. Default: silent. */
  logger?: HttpLogger;
  /** Add stacks to `error` log events (never to responses). Default false. */
  debug?: boolean;
  /** Shown in the OpenAPI document. Default 0.1.0. */
  version?: string;
  /**
   * Bearer tokens, scopes, rate limits and the access ledger (access-gate.ts). `citypulse serve`
   * always sets it; without it (library use, embedding behind another gateway) every route is open.
   */
  access?: AccessConfig;
  /** Origins allowed to read responses from a browser page (CORS). Default none. */
  corsOrigins?: readonly string[];
  /**
   * A watched-areas GeoJSON file (as for `ingest --areas`): served with each window's occupancy at
   * `/api/v1/areas` and drawn on the dashboard. Read at the database's base resolution. Default none.
   */
  areasFile?: string;
  /** Serve HTTPS with this PEM certificate chain and key. Default plain HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * Serve from a running writer (`citypulse stream --http`): the DuckDB instance the stream writes.
   * The server reads through connections of its own on it (never the writer's, so no read holds a
   * checkpoint) and rebuilds its release tables on {@link RunningHttpServer.refresh}. `dbPath` then
   * only names the file. Default: open `dbPath` read-only.
   */
  instance?: DuckDBInstance;
  /** `/metrics` answers from this registry. Default: a new one with the process metrics. */
  metrics?: Registry;
  /** `/readyz`: 200 when ready, 503 with the reason otherwise. Default: always ready (a static file). */
  readiness?: () => Readiness;
  /** `/api/v1/live` sends `: ping` this often. Default 15 000 ms. */
  livePingMs?: number;
}

/** A running server. */
export interface RunningHttpServer {
  server: Server;
  /** `http://host:port/` */
  url: string;
  port: number;
  /**
   * With `instance`: rebuilds the release tables on a fresh connection, swaps it in, and pushes the
   * newly published windows and alert changes to `/api/v1/live` clients. Calls while one runs are
   * folded into one more run. Without `instance` it does nothing.
   */
  refresh(): Promise<void>;
  /**
   * Stops accepting connections, lets requests in flight finish (cutting them after the grace
   * period), then closes the database (with `instance`: only the server's own connections). Idempotent.
   */
  close(reason?: string): Promise<void>;
}

/** The database side of the server, replaced as a whole on refresh. */
interface Served {
  connection: DuckDBConnection;
  runner: QueryRunner;
  routes: CompiledRoute[];
}

const ALLOWED_METHODS = 'GET, HEAD, OPTIONS';

/**
 * Opens the DuckDB file read-only and serves the citypulse HTTP API and dashboard on node:http.
 * @throws Error when the file is held by a writer (DuckDB permits readers only when no process writes it).
 * @example
 * const srv = await startHttpServer({ dbPath: 'out/demo/citypulse.duckdb', port: 0 });
 * const windows = await (await fetch(new URL('/api/v1/windows', srv.url))).json();
 * await srv.close();
 */
export async function startHttpServer(config: HttpServerConfig): Promise<RunningHttpServer> {
  const k = checkK(config.k ?? DEFAULT_K);
  const logger = config.logger ?? silentHttpLogger;
  const maxBodyBytes = config.maxBodyBytes ?? 32 * 1024 * 1024;
  const db = config.instance ? null : await openReadOnly(config.dbPath);
  const registry = config.metrics ?? createMetricsRegistry();
  const httpMetrics = createHttpMetrics(registry);
  const updates = new LiveUpdates(k);
  const hub = new LiveHub({ mode: config.instance ? 'stream' : 'serve', publishedUntil: () => updates.publishedUntil, pingMs: config.livePingMs });
  const catalogue = new QueryCatalogue(config.sqlDir);
  const page = dashboardPage();
  const startedAt = Date.now();
  const extra = operationsRoutes({ registry, readiness: config.readiness ?? (() => ({ ready: true, reason: 'serving a file' })) });
  /** A connection with the release tables and the routes over it. */
  const build = async (connection: DuckDBConnection): Promise<Served> => {
    await checkPresenceTable(connection, config.dbPath);
    await ensureAnalystTables(connection, true);
    // Every route reads the release (analyst database, or TEMP tables built here from raw presence).
    await ensureRelease(connection, { k });
    const runner = new QueryRunner({ connection, timeoutMs: config.queryTimeoutMs });
    const areas = config.areasFile ? await readAreasFile(config.areasFile, await baseResolution(connection)) : [];
    const routes = compileRoutes([
      ...apiRoutes({
        runner,
        catalogue,
        page,
        dbPath: config.dbPath,
        k,
        maxRows: config.maxRows ?? 10_000,
        maxFeatures: config.maxFeatures ?? 50_000,
        cacheSeconds: config.instance ? 0 : (config.cacheSeconds ?? 30),
        version: config.version ?? '0.1.0',
        startedAt,
        areas,
      }),
      ...auditRoutes(runner),
      ...extra,
    ]);
    return { connection, runner, routes };
  };
  const connect = async (): Promise<DuckDBConnection> => (db ? db.connection : await config.instance!.connect());
  let served: Served;
  let server: Server;
  const firstConnection = await connect();
  try {
    served = await build(firstConnection);
    await updates.scan(served.connection);
    // Read through the current runner at scrape time (it changes on refresh).
    registerDuckDbMemory(registry, (job) => served.runner.run(job));
    const gate = config.access ? createAccessGate(config.access) : null;
    const options: HandleOptions = { logger, maxBodyBytes, debug: config.debug ?? false, gate, record: config.access?.record ?? null, corsOrigins: new Set(config.corsOrigins ?? []), hub, metrics: httpMetrics };
    let inFlight = 0;
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      inFlight++;
      res.on('close', () => inFlight--);
      void handle(req, res, served.routes, options);
    };
    server = config.tls ? createHttpsServer({ cert: config.tls.cert, key: config.tls.key }, onRequest) : createServer(onRequest);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port ?? 8080, config.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `${config.tls ? 'https' : 'http'}://${host}:${address.port}/`;
    logger({ type: 'listening', url, db: config.dbPath, k });
    let closing: Promise<void> | undefined;
    let refreshing: Promise<void> | null = null;
    let again = false;
    const refreshSeconds = refreshHistogram(registry);
    const rebuild = async () => {
      const t0 = performance.now();
      const connection = await config.instance!.connect();
      const next = await build(connection).catch((err: unknown) => {
        connection.closeSync();
        throw err;
      });
      const { windows, alerts, publishedUntil } = await updates.scan(next.connection);
      const old = served;
      served = next;
      // Requests already queued on the old connection finish there; then it closes.
      void old.runner.drain().then(() => old.connection.closeSync());
      for (const w of windows) hub.broadcast('window', { ...w, publishedUntil: publishedUntil === null ? null : new Date(publishedUntil).toISOString() });
      for (const a of alerts) hub.broadcast('alert', a);
      refreshSeconds.observe((performance.now() - t0) / 1000);
    };
    return {
      server,
      url,
      port: address.port,
      refresh() {
        if (!config.instance || closing) return Promise.resolve();
        if (refreshing) {
          again = true;
          return refreshing;
        }
        refreshing = (async () => {
          try {
            do {
              again = false;
              await rebuild();
            } while (again && !closing);
          } catch (err) {
            logger({ type: 'error', method: 'REFRESH', path: '/', error: `could not refresh the served release after a checkpoint: ${(err as Error).message}` });
          } finally {
            refreshing = null;
          }
        })();
        return refreshing;
      },
      close(reason = 'close') {
        closing ??= (async () => {
          logger({ type: 'closing', reason, inFlight });
          hub.close();
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          const grace = setTimeout(() => server.closeAllConnections(), config.closeGraceMs ?? 5_000);
          try {
            await closed;
            await refreshing;
            await served.runner.drain();
          } finally {
            clearTimeout(grace);
            if (db) db.close();
            else served.connection.closeSync();
            logger({ type: 'closed' });
          }
        })();
        return closing;
      },
    };
  } catch (err) {
    hub.close();
    if (db) db.close();
    else firstConnection.closeSync();
    throw err;
  }
}

/** `citypulse_http_refresh_duration_seconds`: rebuilding the release after a checkpoint (stream --http). */
function refreshHistogram(registry: Registry): Histogram {
  const name = 'citypulse_http_refresh_duration_seconds';
  return (
    (registry.getSingleMetric(name) as Histogram | undefined) ??
    new Histogram({ name, help: 'Refresh after a checkpoint that published windows: release tables rebuilt on a fresh connection, live events sent', buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60], registers: [registry] })
  );
}

async function openReadOnly(path: string): Promise<Database> {
  try {
    return await openDatabase(path, { readOnly: true });
  } catch (cause) {
    const message = (cause as Error).message ?? String(cause);
    if (/lock/i.test(message)) {
      throw new Error(
        `${path} is held by a running writer (DuckDB allows one writer process and no readers beside it): serve a copy taken while nothing writes, a snapshot, or a database over the Parquet lake (docs/lake.md)`,
        { cause },
      );
    }
    throw new Error(`cannot open ${path} read-only: ${message.split('\n')[0]}`, { cause });
  }
}

/** The base H3 resolution of the release (9 when unknown). */
async function baseResolution(connection: DuckDBConnection): Promise<number> {
  const r = await connection.runAndReadAll('SELECT base_res FROM release_meta LIMIT 1');
  const row = r.getRowsJS()[0];
  return row ? Number(row[0]) : 9;
}

async function checkPresenceTable(connection: DuckDBConnection, path: string): Promise<void> {
  const r = await connection.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name IN ('presence', 'release_meta') AND database_name = current_database()`);
  if ((r.getRowsJS()[0]![0] as number) === 0) throw new Error(`${path} has no presence table: not a database written by citypulse ingest/stream/merge or release`);
}

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

function compileRoutes(routes: Route[]): CompiledRoute[] {
  return routes.map((route) => {
    const names: string[] = [];
    const source = route.path
      .split('/')
      .map((seg) => {
        if (!seg.startsWith(':')) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(seg.slice(1));
        return '([^/]+)';
      })
      .join('/');
    return { route, pattern: new RegExp(`^${source}$`), names };
  });
}

interface HandleOptions {
  logger: HttpLogger;
  maxBodyBytes: number;
  debug: boolean;
  gate: ((method: string, pathname: string, headers: IncomingMessage['headers']) => Promise<GateDecision>) | null;
  record: NonNullable<AccessConfig['record']> | null;
  corsOrigins: ReadonlySet<string>;
  hub: LiveHub;
  metrics: HttpMetrics;
}

/**
 * The request's URL. Leading slashes collapse to one (`//` would otherwise read as a protocol-relative
 * URL with no host and throw); a target that still cannot be read is answered 404 by the router.
 */
function requestUrl(raw: string | undefined): URL {
  const target = (raw ?? '/').startsWith('/') ? `/${(raw ?? '/').replace(/^\/+/, '')}` : (raw ?? '/');
  try {
    return new URL(target, 'http://localhost');
  } catch {
    return new URL('/__unreadable_request_target__', 'http://localhost');
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, routes: CompiledRoute[], o: HandleOptions): Promise<void> {
  const started = performance.now();
  const method = req.method ?? 'GET';
  const url = requestUrl(req.url);
  let reply: Reply;
  let tokenName: string | null = null;
  try {
    const decision = o.gate ? await o.gate(method, url.pathname, req.headers) : null;
    tokenName = decision?.tokenName ?? null;
    if (!decision?.reply && url.pathname === LIVE_PATH && (method === 'GET' || method === 'HEAD')) {
      // Alert events only for callers who may read alerts (the route itself needs heatmap:read).
      await live(req, res, url, tokenName, o, started, !o.gate || allows(decision?.scopes ?? [], 'alerts:read'));
      return;
    }
    reply = decision?.reply ?? (await route(method, url, routes));
    if (Buffer.byteLength(reply.body) > o.maxBodyBytes) {
      throw new ApiError('response_too_large', `the response would exceed ${o.maxBodyBytes} bytes; ask for a coarser resolution or a shorter range`);
    }
  } catch (err) {
    const api = apiErrorOf(err);
    if (api.status >= 500) {
      const e = err as Error;
      o.logger({ type: 'error', method, path: url.pathname, error: `${e.message}${e.cause && !e.message.includes((e.cause as Error).message ?? String(e.cause)) ? `: ${(e.cause as Error).message ?? String(e.cause)}` : ''}`, ...(o.debug && e.stack ? { stack: e.stack } : {}) });
    }
    reply = { status: api.status, contentType: 'application/json; charset=utf-8', body: JSON.stringify(api.toJSON()), headers: api.code === 'method_not_allowed' ? { allow: ALLOWED_METHODS } : {} };
  }
  if (o.record) {
    try {
      await o.record({ type: 'access', at: new Date().toISOString(), token: tokenName, method, route: url.pathname, params: Object.fromEntries(url.searchParams), status: reply.status ?? 200 });
    } catch (err) {
      o.logger({ type: 'error', method, path: url.pathname, error: `could not record the access in the serve ledger: ${(err as Error).message}` });
      reply = { status: 503, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ error: 'unavailable', detail: 'the access could not be recorded in the ledger; not served' }) };
    }
  }
  if (o.gate) reply = { ...reply, headers: { ...reply.headers, 'x-citypulse-auth': 'bearer' } };
  const bytes = write(req, res, reply, o.corsOrigins);
  const ms = performance.now() - started;
  o.metrics.request(reply.status ?? 200, ms);
  o.logger({ type: 'request', method, path: url.pathname, status: reply.status ?? 200, ms, bytes });
}

/** The server-sent events of live updates (live-hub.ts). */
const LIVE_PATH = '/api/v1/live';

/** Hands `res` to the live hub after the gate let it through; recorded in the ledger like any access. */
async function live(req: IncomingMessage, res: ServerResponse, url: URL, tokenName: string | null, o: HandleOptions, started: number, alerts: boolean): Promise<void> {
  const method = req.method ?? 'GET';
  const refuse = (status: number, error: string, detail: string) => {
    write(req, res, { status, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ error, detail }) }, o.corsOrigins);
    o.metrics.request(status, performance.now() - started);
    o.logger({ type: 'request', method, path: url.pathname, status, ms: performance.now() - started, bytes: 0 });
  };
  if ([...url.searchParams.keys()].length > 0) return refuse(400, 'bad_parameter', `${LIVE_PATH} takes no parameters`);
  if (o.hub.full) return refuse(503, 'unavailable', 'too many live clients; retry later');
  if (o.record) {
    try {
      await o.record({ type: 'access', at: new Date().toISOString(), token: tokenName, method, route: url.pathname, params: {}, status: 200 });
    } catch (err) {
      o.logger({ type: 'error', method, path: url.pathname, error: `could not record the access in the serve ledger: ${(err as Error).message}` });
      return refuse(503, 'unavailable', 'the access could not be recorded in the ledger; not served');
    }
  }
  const headers: Record<string, string> = {};
  const origin = req.headers.origin;
  if (o.corsOrigins.size > 0) headers['vary'] = 'Origin';
  if (origin && o.corsOrigins.has(origin)) headers['access-control-allow-origin'] = origin;
  if (o.gate) headers['x-citypulse-auth'] = 'bearer';
  o.hub.add(req, res, headers, { alerts });
  o.metrics.request(200, performance.now() - started);
  o.logger({ type: 'request', method, path: url.pathname, status: 200, ms: performance.now() - started, bytes: 0 });
}

async function route(method: string, url: URL, routes: CompiledRoute[]): Promise<Reply> {
  if (method === 'OPTIONS') {
    return { status: 204, contentType: 'text/plain; charset=utf-8', body: '', headers: { allow: ALLOWED_METHODS, 'access-control-allow-methods': ALLOWED_METHODS, 'access-control-max-age': '86400', 'access-control-allow-headers': 'accept, authorization, content-type' } };
  }
  if (method !== 'GET' && method !== 'HEAD') throw new ApiError('method_not_allowed', `${method} is not allowed: this API is read-only (${ALLOWED_METHODS})`);
  for (const r of routes) {
    const m = r.pattern.exec(url.pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (let i = 0; i < r.names.length; i++) {
      try {
        params[r.names[i]!] = decodeURIComponent(m[i + 1]!);
      } catch {
        throw new ApiError('bad_parameter', `path segment ${JSON.stringify(m[i + 1])} is not valid percent-encoding`, { parameter: r.names[i]! });
      }
    }
    return r.route.handler({ params, query: url.searchParams });
  }
  throw new ApiError('not_found', `no route ${url.pathname} (see /api/v1/openapi.json)`);
}

/** Writes the reply with the common headers; gzip when the client accepts it. Returns the bytes sent. */
function write(req: IncomingMessage, res: ServerResponse, reply: Reply, corsOrigins: ReadonlySet<string>): number {
  const status = reply.status ?? 200;
  let body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  const headers: Record<string, string> = {
    'content-type': reply.contentType,
    'x-content-type-options': 'nosniff',
    'cache-control': status === 200 && reply.maxAge ? `public, max-age=${reply.maxAge}` : 'no-store',
    ...reply.headers,
  };
  // CORS only for the configured origins: a page from anywhere else cannot read the answer.
  const origin = req.headers.origin;
  if (corsOrigins.size > 0) headers['vary'] = 'Origin';
  if (origin && corsOrigins.has(origin)) headers['access-control-allow-origin'] = origin;
  else if (reply.status === 204) {
    delete headers['access-control-allow-methods'];
    delete headers['access-control-allow-headers'];
    delete headers['access-control-max-age'];
  }
  if (body.length > 1024) {
    headers['vary'] = headers['vary'] ? `${headers['vary']}, Accept-Encoding` : 'Accept-Encoding';
    if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
    }
  }
  headers['content-length'] = String(body.length);
  res.writeHead(status, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
  return body.length;
}

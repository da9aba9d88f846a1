import { existsSync } from 'node:fs';
import { createCliLogger, httpLoggerOf } from '../log/create-cli-logger.ts';
import { corsOriginsFromFlags, openServeAccess, rateFromFlags, tlsFromFlags } from '../flags/serve-access.ts';
import { startHttpServer } from '../../outputs/http/start-http-server.ts';
import { DEFAULT_K } from '../../outputs/export/k-anonymity.ts';
import { UsageError, parseCommandArgs, required, type Command, type CommandContext } from '../command.ts';

const LOG_FORMATS = ['text', 'json', 'off'] as const;
type LogFormat = (typeof LOG_FORMATS)[number];

const HELP = `Usage: citypulse serve --db FILE [--port 8080] [--host 127.0.0.1] [--k ${DEFAULT_K}]

Serves a DuckDB database over HTTP for city dashboards: a read-only JSON/GeoJSON/CSV API
(/api/v1/…, described by the OpenAPI 3.1 document at /api/v1/openapi.json) and a dashboard page
at / (hexagon map of each window, play through the day, districts, crowd alerts). Every count of
people it sends is at least k (k-anonymity). Docs: docs/http-api.md.

The file is opened read-only. DuckDB lets no other process open a file a writer holds: point
--db at the file of a stopped pipeline, a copy taken while nothing writes, or a snapshot — not at
the file a running \`citypulse stream\` writes (see docs/lake.md).

Options:
  --db FILE        DuckDB file written by ingest/stream/merge (required)
  --port N         TCP port, 0 for any free one (default 8080)
  --host H         interface (default 127.0.0.1; 0.0.0.0 for every interface)
  --k N            k-anonymity threshold, ≥ 2 (default ${DEFAULT_K}); clients may ask for more, never less
  --areas FILE     watched areas (GeoJSON, as for ingest --areas): drawn on the dashboard with
                   each window's occupancy against the alert levels; /api/v1/areas (default none)
  --log F          text | json | off (errors only) — request and error log on stderr
                   (default: the global --log-format, text)

Access (docs/http-api.md#access):
  Every /api/v1 data route needs Authorization: Bearer <token> (citypulse tokens create): 401
  without a valid, unexpired, unrevoked token, 403 outside its scopes, 429 over its rate limit.
  /, /healthz, /readyz, /metrics and /api/v1/openapi.json stay open. Every request is appended
  to the serve ledger.
  --ledger FILE    the serve ledger (default <db>.serve-ledger.duckdb; verify it with
                   citypulse audit verify --db FILE)
  --ledger-key F   ledger signing key (default $CITYPULSE_LEDGER_KEY_FILE, else <key dir>/ledger-ed25519.pem)
  --token-key F    token-signing key (default $CITYPULSE_TOKEN_KEY_FILE, else <key dir>/token-ed25519.pem)
  --cors-origin O  let browser pages from origin O read responses (repeatable; default none)
  --rate R         requests per second per token, sustained (default 10)
  --burst N        requests per token at once (default 60)
  --tls-cert PEM   serve HTTPS with this certificate chain (with --tls-key)
  --tls-key PEM    the certificate's private key
  -h, --help       this help

Endpoints:
  GET /                                   dashboard page
  GET /healthz                            health
  GET /readyz                             readiness (always ready for a file)
  GET /metrics                            Prometheus metrics (process, HTTP)
  GET /api/v1/live                        server-sent events (hello and pings for a file)
  GET /api/v1/openapi.json                OpenAPI 3.1 document
  GET /api/v1/windows?res=8               closed windows and devices shown
  GET /api/v1/heatmap?res=8&window=latest&format=geojson|csv
  GET /api/v1/zones  /api/v1/zones/SYSTEM  /api/v1/zones/SYSTEM/totals?from=&to=
  GET /api/v1/queries  /api/v1/queries/NAME?param=…   the named queries of sql/
  GET /api/v1/alerts?since=ISO            crowd-alert events
  GET /api/v1/areas?window=latest|ISO     watched areas (--areas) and their occupancy in a window
  GET /api/v1/zones/SYSTEM/ZONE/series    people in one zone, window by window
  GET /vendor/…                           the dashboard's MapLibre GL, deck.gl and h3-js (from node_modules)
  GET /api/v1/audit/head                  the database ledger's latest signed tree head
  GET /api/v1/audit/proof/INDEX?size=N    an entry's inclusion proof
  GET /api/v1/audit/consistency?from=&to= a consistency proof between two sizes

SIGINT/SIGTERM stop it gracefully (requests in flight finish).

Example:
  citypulse serve --db out/demo/citypulse.duckdb --port 8080
`;

export const serveCommand: Command = {
  name: 'serve',
  summary: 'HTTP API (OpenAPI 3.1) and dashboard page over a DuckDB file, read-only, k-anonymised',
  help: HELP,
  run: serve,
};

async function serve(argv: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(
    argv,
    {
      db: { type: 'string' },
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      k: { type: 'string', default: String(DEFAULT_K) },
      log: { type: 'string' },
      areas: { type: 'string' },
      ledger: { type: 'string' },
      'ledger-key': { type: 'string' },
      'token-key': { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      rate: { type: 'string', default: '10' },
      burst: { type: 'string', default: '60' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
    },
    HELP,
    ctx,
  );
  if (!args) return 0;
  const v = args.values;
  const dbPath = required(v, 'db');
  if (!existsSync(dbPath)) throw new UsageError(`--db ${dbPath}: no such file`);
  const port = Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer from 0 to 65535, got ${v.port}`);
  const k = Number(v.k);
  if (!Number.isInteger(k) || k < 2) throw new UsageError(`--k must be an integer ≥ 2, got ${v.k}`);
  if (v.areas !== undefined && !existsSync(v.areas)) throw new UsageError(`--areas ${v.areas}: no such file`);
  const log = (v.log ?? 'text') as LogFormat;
  if (!LOG_FORMATS.includes(log)) throw new UsageError(`--log must be one of ${LOG_FORMATS.join(', ')}`);
  const { rate, burst } = rateFromFlags(v);
  const origins = corsOriginsFromFlags(v);
  const tls = tlsFromFlags(v);
  if (ctx.signal.aborted) return 130;

  const served = await openServeAccess(ctx.env, { dbPath, ledger: v.ledger, ledgerFlag: 'ledger', ledgerKey: v['ledger-key'], tokenKey: v['token-key'], rate, burst });

  // --log picks the format of this server's log (text, json, or errors only); the default follows the
  // global --log-format.
  const logger = httpLoggerOf(
    log === 'off'
      ? createCliLogger({ stream: ctx.stderr, format: ctx.logFormat ?? 'text', minLevel: 'error' })
      : createCliLogger({ stream: ctx.stderr, format: v.log === undefined ? (ctx.logFormat ?? 'text') : log }),
  );
  const server = await startHttpServer({
    dbPath,
    port,
    host: v.host!,
    k,
    logger,
    debug: Boolean(ctx.env.CITYPULSE_DEBUG),
    access: served.access,
    corsOrigins: origins,
    tls,
    ...(v.areas !== undefined ? { areasFile: v.areas } : {}),
  }).catch(async (err) => {
    await served.close();
    throw err;
  });
  // The URL once, on stdout (scripts read it there); the log's `listening` line says the rest.
  ctx.stdout.write(`citypulse serve: ${server.url} (dashboard), ${server.url}api/v1/openapi.json (API)\n`);
  ctx.stderr.write(`serve    access ledger ${served.ledgerPath} (${served.ledgerSize} entries); tokens checked against ${served.registryFile}\n`);
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close(ctx.signal.reason instanceof Error ? ctx.signal.reason.message : 'signal');
  await served.close();
  return 0;
}

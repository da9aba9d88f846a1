import type { IncomingMessage, ServerResponse } from 'node:http';

/** Events of `GET /api/v1/live` (docs/http-api.md#live). */
export const LIVE_EVENTS = ['hello', 'window', 'alert'] as const;
/** One of {@link LIVE_EVENTS}. */
export type LiveEvent = (typeof LIVE_EVENTS)[number];

/** Configuration of a {@link LiveHub}. */
export interface LiveHubConfig {
  /** `stream` when serving from the running writer, `serve` for a static file (hello + pings only). */
  mode: 'stream' | 'serve';
  /** Sent in `hello`: end of the windows published so far (ms), or null. */
  publishedUntil: () => number | null;
  /** A comment line `: ping` goes to every client this often. Default 15 000 ms. */
  pingMs?: number;
  /** Clients at most; more are answered 503. Default 256. */
  maxClients?: number;
}

/**
 * The server-sent-events clients of `GET /api/v1/live`: on connect each gets `event: hello`, then
 * every {@link broadcast} (`window` when the stream publishes windows, `alert` when an alert opens,
 * escalates or resolves), and `: ping` every 15 s so proxies keep the connection open.
 */
export class LiveHub {
  readonly #c: LiveHubConfig;
  /** Each client, and whether it may receive alert events. */
  readonly #clients = new Map<ServerResponse, { alerts: boolean }>();
  readonly #ping: NodeJS.Timeout;

  constructor(config: LiveHubConfig) {
    this.#c = config;
    this.#ping = setInterval(() => {
      for (const res of this.#clients.keys()) res.write(': ping\n\n');
    }, config.pingMs ?? 15_000);
    this.#ping.unref();
  }

  /** Clients connected now. */
  get size(): number {
    return this.#clients.size;
  }

  /** Whether another client may connect. */
  get full(): boolean {
    return this.#clients.size >= (this.#c.maxClients ?? 256);
  }

  /**
   * Takes over `res` as an event stream (headers already chosen by the caller: CORS, auth).
   * `alerts: false` (a token without `alerts:read`) leaves the alert events out.
   */
  add(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, access: { alerts: boolean } = { alerts: true }): void {
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    const until = this.#c.publishedUntil();
    res.write(frame('hello', { mode: this.#c.mode, publishedUntil: until === null ? null : new Date(until).toISOString() }));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    this.#clients.set(res, access);
    res.on('close', () => this.#clients.delete(res));
  }

  /** Sends one event to every client. */
  broadcast(event: Exclude<LiveEvent, 'hello'>, data: unknown): void {
    const text = frame(event, data);
    for (const [res, access] of this.#clients) if (event !== 'alert' || access.alerts) res.write(text);
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    clearInterval(this.#ping);
    for (const res of this.#clients.keys()) res.end();
    this.#clients.clear();
  }
}

/** One SSE frame: `event:` and a single-line JSON `data:`. */
function frame(event: LiveEvent, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

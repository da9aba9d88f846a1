import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A running {@link startMetricsServer}. */
export interface RunningMetricsServer {
  server: Server;
  /** `http://host:port/` */
  url: string;
  close(): Promise<void>;
}

/**
 * A minimal HTTP server for processes without one (`citypulse jobs start --metrics HOST:PORT`):
 * `GET /metrics` (Prometheus exposition format of `registry`) and `GET /healthz`; 404 otherwise.
 * @example
 * const m = await startMetricsServer(registry, { host: '127.0.0.1', port: 9464 });
 * // scrape http://127.0.0.1:9464/metrics
 * await m.close();
 */
export async function startMetricsServer(registry: Registry, at: { host: string; port: number }): Promise<RunningMetricsServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('GET only\n');
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`metrics failed: ${err.message}\n`),
      );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end('{"status":"ok"}');
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('only /metrics and /healthz here\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  const url = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}/`;
  return {
    server,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

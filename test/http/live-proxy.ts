// A stand-in for the stream process's live endpoint, in front of a real citypulse server: it forwards
// every request to the server, except `GET /api/v1/live` (server-sent events, served here) and
// `/api/v1/windows` (only the windows "published" so far, as a running stream would list them).
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LiveProxy {
  url: string;
  /** Windows starting before this are listed by /api/v1/windows. */
  publishedUntil: number;
  /** Sends one event to every connected page. */
  send(event: string, data: unknown): void;
  /** Pages connected to /api/v1/live now. */
  clients(): number;
  close(): Promise<void>;
}

export async function startLiveProxy(upstream: string, publishedUntil: number): Promise<LiveProxy> {
  const streams = new Set<ServerResponse>();
  const target = new URL(upstream);
  const proxy: LiveProxy = {
    url: '',
    publishedUntil,
    send(event, data) {
      for (const res of streams) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    clients: () => streams.size,
    async close() {
      for (const res of streams) res.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const forward = (req: IncomingMessage, res: ServerResponse, rewrite?: (body: string) => string) => {
    const headers = { ...req.headers, host: target.host };
    if (rewrite) delete headers['accept-encoding'];
    const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers }, (r) => {
      if (!rewrite || r.statusCode !== 200) {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
        return;
      }
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (d) => (body += d));
      r.on('end', () => {
        const out = rewrite(body);
        res.writeHead(200, { ...r.headers, 'content-length': String(Buffer.byteLength(out)) });
        res.end(out);
      });
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/api/v1/live') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': ping\n\n');
      res.write(`event: hello\ndata: ${JSON.stringify({ mode: 'stream', publishedUntil: Number.isFinite(proxy.publishedUntil) ? new Date(proxy.publishedUntil).toISOString() : null })}\n\n`);
      streams.add(res);
      res.on('close', () => streams.delete(res));
      return;
    }
    if (path === '/api/v1/windows') {
      forward(req, res, (body) => {
        const list = JSON.parse(body) as { windows: { start: string }[]; count: number };
        list.windows = list.windows.filter((w) => Date.parse(w.start) < proxy.publishedUntil);
        list.count = list.windows.length;
        return JSON.stringify(list);
      });
      return;
    }
    forward(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return proxy;
}

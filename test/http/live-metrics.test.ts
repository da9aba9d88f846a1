// /metrics, /readyz and /api/v1/live of the HTTP server: under `serve` (a static file: hello and
// pings only) and on a writer's DuckDB instance (what `stream --http` does): a refresh after new
// windows are written pushes `window` events and the API lists the new window.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/outputs/duckdb/open.ts';
import { startHttpServer, type RunningHttpServer } from '../../src/outputs/http/start-http-server.ts';
import { createMetricsRegistry } from '../../src/outputs/metrics/metrics-registry.ts';
import { buildSmallDb, SMALL_W2 } from './fixture.ts';
import { cli } from '../support/cli.ts';

let dir: string;
let dbPath: string;
const servers: RunningHttpServer[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'citypulse-http-live-'));
  dbPath = join(dir, 'small.duckdb');
  await buildSmallDb(dbPath);
});
afterAll(async () => {
  for (const s of servers) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Prometheus text → value of `name` with exactly `labels`. */
function series(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

/** Opens the SSE stream and collects its raw text until `ms` have passed. */
async function listen(url: string, ms: number): Promise<{ status: number; type: string | null; text: string }> {
  const stop = new AbortController();
  const res = await fetch(url, { signal: stop.signal });
  let text = '';
  const reading = (async () => {
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) text += Buffer.from(chunk).toString('utf8');
    } catch {
      // aborted
    }
  })();
  await new Promise((r) => setTimeout(r, ms));
  stop.abort();
  await reading;
  return { status: res.status, type: res.headers.get('content-type'), text };
}

describe('/metrics, /readyz, /api/v1/live under serve', () => {
  it('/metrics: process metrics and request counts with the citypulse_ prefix; /readyz ready', async () => {
    const s = await startHttpServer({ dbPath, port: 0, metrics: createMetricsRegistry() });
    servers.push(s);
    for (let i = 0; i < 3; i++) expect((await fetch(new URL('/healthz', s.url))).status).toBe(200);
    expect((await fetch(new URL('/api/v1/nothing-here', s.url))).status).toBe(404);
    const ready = await fetch(new URL('/readyz', s.url));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', reason: 'serving a file' });
    const res = await fetch(new URL('/metrics', s.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    // Counted when answered: the three /healthz and /readyz (200), the 404; not yet this scrape.
    expect(series(text, 'citypulse_http_requests_total', 'status="200"')).toBe(4);
    expect(series(text, 'citypulse_http_requests_total', 'status="404"')).toBe(1);
    expect(series(text, 'citypulse_http_request_duration_seconds_count')).toBe(5);
    expect(series(text, 'citypulse_process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
    expect(text).toMatch(/^# TYPE citypulse_nodejs_eventloop_lag_seconds gauge$/m);
    // DuckDB's memory by tag: the release tables built at start hold some.
    expect(text).toMatch(/^citypulse_duckdb_memory_bytes\{tag="[A-Z_]+"\} [1-9]\d*$/m);
    // Every series is ours.
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^citypulse_/);
    // No stream here: none of the stream's series.
    expect(text).not.toMatch(/citypulse_records_read_total/);
  });

  it('/api/v1/live: hello (mode serve, the last window end), then pings only', async () => {
    const s = await startHttpServer({ dbPath, port: 0, livePingMs: 100 });
    servers.push(s);
    const got = await listen(new URL('/api/v1/live', s.url).href, 450);
    expect(got.status).toBe(200);
    expect(got.type).toBe('text/event-stream; charset=utf-8');
    const frames = got.text.split('\n\n').filter(Boolean);
    expect(frames[0]).toBe(`event: hello\ndata: ${JSON.stringify({ mode: 'serve', publishedUntil: new Date(SMALL_W2 + 15 * 60_000).toISOString() })}`);
    expect(frames.length).toBeGreaterThanOrEqual(3);
    for (const f of frames.slice(1)) expect(f).toBe(': ping');
    expect((await fetch(new URL('/api/v1/live?x=1', s.url))).status).toBe(400);
  });

  it('an analyst database (release tables, no presence): hello names its last released window', async () => {
    const analyst = join(dir, 'analyst.duckdb');
    const r = await cli(['release', '--db', dbPath, '--out', analyst, '--k', '20'], { CITYPULSE_KEY: '5eed5eed5eed5eed5eed5eed5eed5eed' });
    expect(r.code, r.stderr).toBe(0);
    const s = await startHttpServer({ dbPath: analyst, port: 0 });
    servers.push(s);
    const got = await listen(new URL('/api/v1/live', s.url).href, 300);
    expect(got.text.split('\n\n')[0]).toBe(`event: hello\ndata: ${JSON.stringify({ mode: 'serve', publishedUntil: new Date(SMALL_W2 + 15 * 60_000).toISOString() })}`);
  });
});

describe('serving from a writer (the stream --http path)', () => {
  it('refresh after a new window: a window event, and the API lists the window', async () => {
    const copy = join(dir, 'writer.duckdb');
    await buildSmallDb(copy);
    const db = await openDatabase(copy);
    try {
      const s = await startHttpServer({ dbPath: copy, instance: db.instance, port: 0, readiness: () => ({ ready: false, reason: 'catching up: 7 messages behind' }) });
      const not = await fetch(new URL('/readyz', s.url));
      expect(not.status).toBe(503);
      expect(await not.json()).toEqual({ status: 'not_ready', reason: 'catching up: 7 messages behind' });
      const windows = async () => ((await (await fetch(new URL('/api/v1/windows?res=8', s.url))).json()) as { windows: { start: string }[] }).windows.map((w) => w.start);
      const before = await windows();
      const W3 = SMALL_W2 + 15 * 60_000;
      const listening = listen(new URL('/api/v1/live', s.url).href, 1500);
      await new Promise((r) => setTimeout(r, 200));
      // The writer publishes a third window: W2's rows, a quarter of an hour later.
      await db.connection.run(
        `INSERT INTO presence SELECT * REPLACE (window_start + INTERVAL 15 MINUTE AS window_start, window_end + INTERVAL 15 MINUTE AS window_end)
         FROM presence WHERE window_start = to_timestamp(${SMALL_W2 / 1000})`,
      );
      // Not seen before the refresh (the release is a snapshot), seen after it.
      expect(await windows()).toEqual(before);
      await s.refresh();
      expect(await windows()).toEqual([...before, new Date(W3).toISOString()]);
      expect(await (await fetch(new URL('/metrics', s.url))).text()).toMatch(/^citypulse_http_refresh_duration_seconds_count 1$/m);
      const got = await listening;
      const frames = got.text.split('\n\n').filter(Boolean);
      expect(frames[0]).toBe(`event: hello\ndata: ${JSON.stringify({ mode: 'stream', publishedUntil: new Date(W3).toISOString() })}`);
      expect(frames.slice(1)).toEqual([
        `event: window\ndata: ${JSON.stringify({ windowStart: new Date(W3).toISOString(), windowEnd: new Date(W3 + 15 * 60_000).toISOString(), publishedUntil: new Date(W3 + 15 * 60_000).toISOString() })}`,
      ]);
      await s.close();
      // The writer's own connection is untouched by the server's close.
      expect((await db.connection.runAndReadAll('SELECT count(DISTINCT window_start)::INTEGER FROM presence')).getRowsJS()[0]![0]).toBe(3);
    } finally {
      db.close();
    }
  });
});

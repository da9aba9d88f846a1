// `citypulse stream --http`: the running stream serves the API, live updates (SSE), /readyz and
// /metrics from its own process, on a real broker. The day arrives in two parts: the second while
// the stream runs, so windows are published (and pushed) while clients read.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, spawnCli } from '../support/cli.ts';
import { writeSyntheticScenario } from '../support/synthetic.ts';
import { ensureBroker, uniqueTopic } from './broker.ts';

const broker = await ensureBroker();
const dir = mkdtempSync(join(tmpdir(), 'citypulse-stream-http-'));
const env = { CITYPULSE_KEY: 'a3f1c2e4b5d6a7980112233445566778', CITYPULSE_BROKERS: broker.brokers.join(','), CITYPULSE_KEY_DIR: join(dir, 'keys') };
let scenario: ReturnType<typeof writeSyntheticScenario>;

/** Records in a line as the pipeline counts them: elements of an array, else one (unreadable ones too). */
function recordsOf(line: string): number {
  try {
    const v: unknown = JSON.parse(line);
    return Array.isArray(v) ? v.length : 1;
  } catch {
    return 1;
  }
}

/** Sends lines keyed by their (first) subscriber, as `citypulse publish` does, in chunks with pauses. */
async function produce(topic: string, lines: string[], chunks: number, pauseMs: number): Promise<void> {
  const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const keyOf = (line: string): string | null => {
    try {
      const v: unknown = JSON.parse(line);
      const imsi = ((Array.isArray(v) ? v[0] : v) as { imsi?: unknown } | null)?.imsi;
      return typeof imsi === 'string' ? imsi : null;
    } catch {
      return null;
    }
  };
  const size = Math.ceil(lines.length / chunks);
  for (let i = 0; i < lines.length; i += size) {
    await producer.send({ topic, acks: -1, messages: lines.slice(i, i + size).map((value) => ({ key: keyOf(value), value })) });
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  await producer.disconnect();
}

/** Prometheus text → value of the series with exactly these labels (undefined when absent). */
function series(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',');
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const got = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
    if (got === want) return Number(m[3]);
  }
  return undefined;
}

/** Sum of a series over all its label sets. */
function sumSeries(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})? (\S+)$/.exec(line);
    if (m && m[1] === name) sum += Number(m[2]);
  }
  return sum;
}

interface SseEvent {
  event: string;
  data: unknown;
}

/** Reads server-sent events from `url` into `into` until `signal` aborts. */
async function readEvents(url: string, token: string, into: SseEvent[], signal: AbortSignal): Promise<{ status: number; contentType: string | null }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' }, signal });
  const info = { status: res.status, contentType: res.headers.get('content-type') };
  if (!res.ok || !res.body) return info;
  void (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const frame = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) into.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted
    }
  })();
  return info;
}

async function until<T>(what: string, f: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(broker.skipped)('citypulse stream --http against a real Kafka broker', () => {
  beforeAll(() => {
    scenario = writeSyntheticScenario(join(dir, 'scenario'), {
      seed: 20261202,
      devices: 600,
      events: 24_000,
      start: Date.UTC(2026, 2, 3, 6, 0),
      spacingMs: 900,
      jitterMs: 30_000,
      badEvery: 300,
    });
  });

  afterAll(() => {
    if (!process.env.CITYPULSE_KEEP_TEST_DIR) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API while ingesting, /readyz 503 → 200, window events over SSE, /metrics totals equal the input', async () => {
    const lines = readFileSync(scenario.events, 'utf8').split('\n').filter(Boolean);
    const total = lines.reduce((a, l) => a + recordsOf(l), 0);
    const half = Math.floor(lines.length / 2);
    const topic = uniqueTopic('http');
    const db = join(dir, 'live.duckdb');
    const token = (await cli(['tokens', 'create', '--db', db, '--name', 'duty', '--scopes', 'heatmap:read,alerts:read'], env)).stdout.trim().split('\n').at(-1)!;
    expect(token).toMatch(/^eyJ/);
    const kafka = new Kafka({ brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    await produce(topic, lines.slice(0, half), 1, 0);
    // One watched area over the whole synthetic city, far below its crowd: an alert opens.
    const areas = join(dir, 'areas.geojson');
    const box = [[9.13, 45.43], [9.25, 45.43], [9.25, 45.52], [9.13, 45.52], [9.13, 45.43]];
    writeFileSync(areas, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { id: 'city', name: 'Whole city', capacity: 40 }, geometry: { type: 'Polygon', coordinates: [box] } }] }));

    const child = spawnCli(
      ['stream', '--topics', topic, '--group', `g-${topic}`, '--cells', scenario.cells, '--db', db, '--window', '15m', '--lateness', '5m', '--partition-idle', '5s', '--checkpoint-every', '500ms', '--http', '127.0.0.1:0', '--ready-max-lag', '0', '--areas', areas, '--alerts-topic', `${topic}-alerts`],
      env,
    );
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const stop = new AbortController();
    try {
      const base = await until(
        'the URL on stderr',
        async () => {
          const m = /serving (http:\/\/\S+\/) /.exec(stderr);
          return m?.[1];
        },
        30_000,
      ).catch((err: Error) => {
        throw new Error(`${err.message}\n${stderr.slice(-3000)}`);
      });
      const get = (path: string, auth = true) => fetch(new URL(path, base), { headers: auth ? { authorization: `Bearer ${token}` } : {} });

      // Before the group is joined and caught up: not ready, with a reason.
      const early = await get('/readyz', false);
      expect(early.status).toBe(503);
      const earlyBody = (await early.json()) as { status: string; reason: string };
      expect(earlyBody.status).toBe('not_ready');
      expect(earlyBody.reason.length).toBeGreaterThan(5);
      expect((await get('/healthz', false)).status).toBe(200);

      const events: SseEvent[] = [];
      const sse = await readEvents(new URL('/api/v1/live', base).href, token, events, stop.signal);
      expect(sse.status).toBe(200);
      expect(sse.contentType).toMatch(/^text\/event-stream/);
      expect((await get('/api/v1/live', false)).status).toBe(401);
      const hello = await until('hello', async () => events.find((e) => e.event === 'hello'));
      expect((hello.data as { mode: string }).mode).toBe('stream');

      // Caught up with the first half.
      await until('ready after the first half', async () => (await get('/readyz', false)).status === 200, 90_000);
      const firstMetrics = await (await get('/metrics', false)).text();
      expect(series(firstMetrics, 'citypulse_ready')).toBe(1);

      // The second half arrives while clients read windows.
      const sending = produce(topic, lines.slice(half), 12, 400);
      let sent = false;
      void sending.then(() => (sent = true));
      let answeredWhileIngesting = 0;
      while (!sent) {
        const w = await get('/api/v1/windows?res=8');
        expect(w.status).toBe(200);
        const body = (await w.json()) as { windows: unknown[] };
        expect(Array.isArray(body.windows)).toBe(true);
        const read = series(await (await get('/metrics', false)).text(), 'citypulse_records_read_total') ?? 0;
        if (read < total) answeredWhileIngesting++;
        await new Promise((r) => setTimeout(r, 150));
      }
      await sending;
      expect(answeredWhileIngesting).toBeGreaterThan(0);

      // Everything read, caught up again, windows pushed as they were published.
      const metrics = await until('every record read', async () => {
        const text = await (await get('/metrics', false)).text();
        return series(text, 'citypulse_records_read_total') === total ? text : undefined;
      });
      await until('ready after the second half', async () => (await get('/readyz', false)).status === 200, 60_000);
      const windows = await until('window events', async () => {
        const w = events.filter((e) => e.event === 'window');
        return w.length >= 2 ? w : undefined;
      });
      for (const w of windows) {
        const d = w.data as { windowStart: string; windowEnd: string; publishedUntil: string };
        expect(Date.parse(d.windowEnd) - Date.parse(d.windowStart)).toBe(15 * 60_000);
        expect(Date.parse(d.publishedUntil)).toBeGreaterThanOrEqual(Date.parse(d.windowEnd));
      }
      // The windows pushed are among those the API lists.
      const listed = ((await (await get('/api/v1/windows?res=8')).json()) as { windows: { start: string }[] }).windows.map((w) => Date.parse(w.start));
      const pushed = (windows.at(-1)!.data as { windowStart: string }).windowStart;
      expect(listed.length).toBeGreaterThan(0);
      expect(listed).toContain(Date.parse(pushed));

      // Alert events: as /api/v1/alerts returns them.
      const alertEvents = events.filter((e) => e.event === 'alert').map((e) => e.data as { alert_id: string; seq: number; state: string; area_id: string });
      expect(alertEvents.length).toBeGreaterThan(0);
      expect(alertEvents[0]!.state).toBe('open');
      expect(alertEvents[0]!.area_id).toBe('city');
      const listedAlerts = ((await (await get('/api/v1/alerts?limit=1000')).json()) as { alerts: unknown[] }).alerts;
      for (const a of alertEvents) expect(listedAlerts).toContainEqual(a);
      const delivered = await until('alert deliveries counted', async () => {
        const n = series(await (await get('/metrics', false)).text(), 'citypulse_alert_deliveries_total', { channel: 'kafka' });
        return n !== undefined && n >= alertEvents.length ? n : undefined;
      });
      expect(delivered).toBeGreaterThanOrEqual(alertEvents.length);

      // Metrics: totals equal the input; the parts add up.
      const accepted = sumSeries(metrics, 'citypulse_records_in_total');
      const late = series(metrics, 'citypulse_late_events_total')!;
      const dead = sumSeries(metrics, 'citypulse_dead_letters_total');
      expect(accepted + late + dead).toBe(total);
      expect(dead).toBeGreaterThan(0);
      expect(series(metrics, 'citypulse_records_in_total', { kind: 'fix' })).toBeGreaterThan(0);
      expect(series(metrics, 'citypulse_records_in_total', { kind: 'handover' })).toBeGreaterThan(0);
      expect(series(metrics, 'citypulse_dead_letters_total', { reason: 'malformed_json' })).toBeGreaterThan(0);
      expect(series(metrics, 'citypulse_partitions_assigned')).toBe(3);
      const after = await (await get('/metrics', false)).text();
      for (let p = 0; p < 3; p++) expect(series(after, 'citypulse_consumer_lag_messages', { topic, partition: String(p) })).toBe(0);
      expect(series(after, 'citypulse_checkpoint_duration_seconds_count')).toBeGreaterThan(0);
      expect(series(after, 'citypulse_window_publish_latency_seconds_count')).toBeGreaterThan(0);
      expect(series(after, 'citypulse_devices_held')).toBeGreaterThan(0);
      expect(series(after, 'citypulse_devices_held')).toBeLessThanOrEqual(600);
      // Event time of the simulated day is in 2026-03; the delay is the time since then.
      const delay = series(after, 'citypulse_event_time_delay_seconds')!;
      expect(delay).toBeGreaterThan((Date.now() - Date.UTC(2026, 2, 4)) / 1000);
      expect(series(after, 'citypulse_process_resident_memory_bytes')).toBeGreaterThan(10 * 2 ** 20);
      expect(series(after, 'citypulse_http_requests_total', { status: '200' })).toBeGreaterThan(3);
    } finally {
      stop.abort();
      child.kill('SIGTERM');
    }
    expect(await exited, stderr.slice(-3000)).toBe(0);
  }, 240_000);
});

// Issue 9, point 5: one typed log-event union, one formatter (text for terminals, JSON lines).
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log/logger.ts';
import { alertLoggerOf, createCliLogger, httpLoggerOf, jobLoggerOf, logLevelOf, logText } from '../../src/cli/log/create-cli-logger.ts';
import type { LogEvent } from '../../src/cli/log/log-event.ts';
import { Writable } from 'node:stream';

function collect() {
  const lines: string[] = [];
  const stream = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
  return { stream, text: () => lines.join('') };
}

describe('createLogger', () => {
  it('text and JSON lines, levels filtered, bigints exact', () => {
    const out: string[] = [];
    const now = () => Date.UTC(2026, 2, 2, 8, 0);
    type E = { type: 'a'; n: bigint } | { type: 'b' };
    const base = { write: (l: string) => void out.push(l), text: (e: E) => `event ${e.type}`, level: (e: E) => (e.type === 'a' ? 'info' : 'debug') as 'info' | 'debug', now };
    createLogger<E>({ ...base, format: 'json' })({ type: 'a', n: 9007199254740993n });
    createLogger<E>({ ...base, format: 'json' })({ type: 'b' });
    createLogger<E>({ ...base, format: 'text', timestamps: true })({ type: 'a', n: 1n });
    createLogger<E>({ ...base, format: 'text', minLevel: 'debug' })({ type: 'b' });
    expect(out).toEqual(['{"time":"2026-03-02T08:00:00.000Z","level":"info","type":"a","n":"9007199254740993"}\n', '2026-03-02T08:00:00.000Z  event a\n', 'event b\n']);
  });
});

describe('the citypulse log', () => {
  it('renders command events and the domains\' own events under one union', () => {
    const events: [LogEvent, string, string][] = [
      [{ type: 'key.loaded', source: 'config', path: null }, 'info', 'pseudonymisation key: from $CITYPULSE_KEY'],
      [{ type: 'kafka.log', level: 'warn', message: 'Response Produce (This server is not the leader) — retried' }, 'warn', 'kafka warning: Response Produce (This server is not the leader) — retried'],
      [{ type: 'ingest.rejected-all', source: 'x.ndjson', records: 3, deadLetters: 3 }, 'error', 'ingest: accepted none of 3 records from x.ndjson (3 dead letters; see the dead_letters table)'],
      [{ type: 'http.request', method: 'GET', path: '/healthz', status: 200, ms: 1.2, bytes: 10 }, 'info', 'http     GET /healthz → 200 10 B 1 ms'],
      [{ type: 'job.slot.overlap', job: 'retention', scheduledFor: Date.UTC(2026, 2, 2) }, 'warn', 'retention 2026-03-02T00:00Z: already queued or running here, not started again'],
      [{ type: 'alerts.kafka_dropped', topic: 't', count: 2, reason: 'closed' }, 'warn', 'alerts   kafka t: dropped 2 alerts (not delivered before shutdown)'],
    ];
    for (const [e, level, text] of events) {
      expect(logLevelOf(e)).toBe(level);
      expect(logText(e)).toBe(text);
    }
  });

  it('adapters lift domain loggers into the union; JSON lines carry the scoped type', () => {
    const c = collect();
    const log = createCliLogger({ stream: c.stream, format: 'json' });
    httpLoggerOf(log)({ type: 'closed' });
    jobLoggerOf(log)({ type: 'scheduler.error', job: null, error: 'boom' });
    alertLoggerOf(log)({ type: 'baseline_seeded', areas: 1, windows: 2, from: 0, to: 1 });
    const lines = c.text().trim().split('\n').map((l) => JSON.parse(l) as { type: string; level: string });
    expect(lines.map((l) => [l.type, l.level])).toEqual([['http.closed', 'info'], ['job.scheduler.error', 'error'], ['alerts.baseline_seeded', 'info']]);
  });

  it('a warning says so in text', () => {
    const c = collect();
    createCliLogger({ stream: c.stream })({ type: 'simulate.future', start: Date.UTC(2030, 0, 1), end: Date.UTC(2030, 0, 2), share: 1 });
    expect(c.text()).toMatch(/^warning: simulate: the whole simulated period lies more than a day ahead/);
  });
});

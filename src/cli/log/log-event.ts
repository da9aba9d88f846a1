import type { AlertLogEvent } from '../../alerts/alert-log.ts';
import type { ErrorKind } from '../../core/citypulse-error.ts';
import type { JobEvent } from '../../jobs/run/job-event.ts';
import type { HttpLogEvent } from '../../outputs/http/http-log.ts';

/** A domain's own event type lifted under a prefix: `{type:'request'}` of `http` → `{type:'http.request'}`. */
export type Scoped<P extends string, E extends { type: string }> = E extends { type: infer T extends string } ? Omit<E, 'type'> & { type: `${P}.${T}` } : never;

/**
 * Every event a citypulse command or job logs: the one union the CLI, `jobs/` and (later) the audit
 * ledger read. Commands' own events are named `area.what`; the events of the HTTP server, the alerting
 * plugin and the job scheduler keep their own types under `http.`, `alerts.` and `job.`.
 * One formatter ({@link createCliLogger}) writes them as text or JSON lines.
 */
export type LogEvent =
  | { type: 'cli.error'; command: string | null; kind: ErrorKind; exitCode: number; message: string; stack?: string }
  | { type: 'cli.signal'; signal: string }
  | { type: 'key.loaded'; source: 'config' | 'created' | 'file'; path: string | null }
  | { type: 'kafka.log'; level: 'error' | 'warn' | 'info'; message: string }
  | { type: 'progress'; label: string; done: number; total: number | null; unit: string; ms: number; final: boolean; line: string }
  | { type: 'ingest.rejected-all'; source: string; records: number; deadLetters: number }
  | { type: 'ingest.replaced'; source: string; runs: number }
  | { type: 'heap.growth'; heapBytes: number; percent: number }
  | { type: 'stream.note'; component: 'stream' | 'repartition'; message: string }
  | { type: 'ledger.note'; message: string }
  | { type: 'stream.checkpoint'; checkpoints: number; messages: number; accepted: number; deadLetters: number; late: number; publishedUntil: number | null }
  | { type: 'simulate.future'; start: number; end: number; share: number }
  | { type: 'simulate.interrupted'; out: string }
  | { type: 'sql.written'; query: string; rows: number; out: string; format: string }
  | { type: 'jobs.scheduler.started'; db: string; jobs: string[]; timeZone: string }
  | { type: 'jobs.scheduler.stopped' }
  | { type: 'demo.step.started'; title: string }
  | { type: 'demo.step.finished'; title: string; ms: number }
  | Scoped<'http', HttpLogEvent>
  | Scoped<'alerts', AlertLogEvent>
  | Scoped<'job', JobEvent>;

/** The `type` of every {@link LogEvent}. */
export type LogEventType = LogEvent['type'];

import type { TaskReport } from '../lib/run-child.ts';

/** Arguments of {@link alertLatencyTask}. */
export interface AlertLatencyArgs {
  /** Subscribers of the simulated day. */
  subscribers: number;
}

const SCRIPT = '../../test/alerts/alert-latency.bench.ts';

/**
 * Runs the alert-latency benchmark script of the alerts work (test/alerts/alert-latency.bench.ts)
 * unchanged, in this process, and reads its report: ingest of a simulated day with crowd alerts on
 * the planted venues and every zone; latency from a window closing to its alert being emitted
 * (alerts table), and to receipt through Kafka and a webhook (receivers in their own process).
 * The Kafka broker it uses follows $CITYPULSE_TEST_KAFKA_BROKERS (the runner points it at its own).
 */
export async function alertLatencyTask(a: AlertLatencyArgs): Promise<TaskReport> {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...xs: unknown[]) => {
    const s = xs.map(String).join(' ');
    lines.push(s);
    process.stderr.write(s + '\n');
  };
  process.argv = [process.argv[0]!, SCRIPT, String(a.subscribers)];
  try {
    await import(SCRIPT);
  } finally {
    console.log = log;
  }
  const text = lines.join('\n');
  const lat = (label: string) => {
    const m = new RegExp(`^${label}.*?n=\\s*(\\d+)\\s+p50 ([\\d.]+|NaN|undefined) ms\\s+p99 ([\\d.]+|NaN|undefined) ms\\s+max ([\\d.-]+|-?Infinity|undefined) ms`, 'm').exec(text);
    return m ? { n: Number(m[1]), p50: Number(m[2]), p99: Number(m[3]), max: Number(m[4]) } : null;
  };
  const ingest = /^ingest with alerts .*?: (\d+) records in ([\d.]+) s/m.exec(text);
  const emit = lat('emit latency');
  if (!ingest || !emit) throw new Error(`could not read the alert-latency report:\n${text}`);
  const kafka = lat('kafka');
  const webhook = lat('webhook');
  const extra: Record<string, number> = { alerts: emit.n, emitP50Ms: emit.p50, emitP99Ms: emit.p99, emitMaxMs: emit.max };
  if (kafka) Object.assign(extra, { kafkaP50Ms: kafka.p50, kafkaP99Ms: kafka.p99, kafkaMaxMs: kafka.max });
  if (webhook) Object.assign(extra, { webhookP50Ms: webhook.p50, webhookP99Ms: webhook.p99, webhookMaxMs: webhook.max });
  return { seconds: Number(ingest[2]), events: Number(ingest[1]), extra };
}

import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_ALERT_TOPIC } from '../../alerts/delivery/kafka-alert-publisher.ts';
import { alertLatency } from '../../alerts/duckdb/alert-latency.ts';
import { tailAlerts } from '../../alerts/tail/tail-alerts.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { brokersArg } from '../../core/brokers.ts';
import { dispatchSubcommand, logOf, parseCommandArgs, required, type Command, type CommandContext } from '../command.ts';
import { alertLoggerOf } from '../log/create-cli-logger.ts';

const HELP = `Usage: citypulse alerts tail [--brokers B] [--topic T] [--json] [--from-beginning] [--group G]
       citypulse alerts latency --db FILE

tail     Prints crowd alerts from Kafka as they arrive, one line each — the duty-room view:
           window (UTC)  state  level  kind  area  people/capacity (occupancy)
         Redelivered alerts (same alert_id and seq) are printed once. Ctrl-C stops.
latency  p50/p99/max of emitted_at − window_closed_at over the alerts table: how long after a
         window closed its alerts were emitted.

Options:
  --brokers B         Kafka bootstrap servers, comma-separated (default $CITYPULSE_BROKERS or 127.0.0.1:9092)
  --topic T           alerts topic (default ${DEFAULT_ALERT_TOPIC})
  --json              print each alert's JSON (schemas/alert.schema.json) instead of a line
  --from-beginning    start at the oldest retained alert (default: only new ones)
  --group G           consumer group (default: a new one per run, so every tail sees every alert)
  --db FILE           DuckDB file written by ingest/stream with --areas (latency)
  -h, --help          this help

Example:
  citypulse alerts tail --brokers 127.0.0.1:9092
  2026-03-02 18:30–18:45Z  escalated    critical  capacity  San Siro (stadium)  50,500/50,000 (101%)
`;

export const alertsCommand: Command = {
  name: 'alerts',
  summary: 'alerts tail: follow crowd alerts from Kafka; alerts latency: emit latency from DuckDB',
  help: HELP,
  run: (argv, ctx) => dispatchSubcommand('alerts', argv, ctx, HELP, { tail, latency }),
};

async function tail(rest: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(
    rest,
    {
      brokers: { type: 'string' },
      topic: { type: 'string', default: DEFAULT_ALERT_TOPIC },
      json: { type: 'boolean' },
      'from-beginning': { type: 'boolean' },
      group: { type: 'string' },
    },
    HELP,
    ctx,
  );
  if (!args) return 0;
  const v = args.values;
  const brokers = brokersArg(v.brokers, ctx.env);
  const kafka = new Kafka({ clientId: 'citypulse-alerts-tail', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: v.group ?? `citypulse-alerts-tail-${randomUUID()}`, maxWaitTimeInMs: 250 });
  await tailAlerts({
    consumer,
    topic: v.topic,
    fromBeginning: v['from-beginning'] ?? false,
    json: v.json ?? false,
    out: ctx.stdout,
    logger: alertLoggerOf(logOf(ctx)),
    signal: ctx.signal,
  });
  return 0;
}

async function latency(rest: string[], ctx: CommandContext): Promise<number> {
  const args = parseCommandArgs(rest, { db: { type: 'string' } }, HELP, ctx);
  if (!args) return 0;
  const db = await openDatabase(required(args.values, 'db'), { readOnly: true, h3: false });
  try {
    const l = await alertLatency(db.connection);
    const f = (x: number | null) => (x === null ? '—' : `${x.toFixed(1)} ms`);
    ctx.stdout.write(`alerts   ${l.count} events  latency p50 ${f(l.p50Ms)}  p99 ${f(l.p99Ms)}  max ${f(l.maxMs)}  (emitted_at − window_closed_at)\n`);
    return 0;
  } finally {
    db.close();
  }
}


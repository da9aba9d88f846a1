import { createReadStream, statSync } from 'node:fs';
import { runIngest } from '../../../pipelines/run-ingest.ts';
import { PIPELINE_FLAGS, PIPELINE_FLAGS_HELP, describeKey, loadCells, pseudonymiserFromEnv, windowConfigFromFlags } from '../../config/pipeline-options.ts';
import { lineBatches } from '../../ingest/sources/line-batches.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { PIPELINE_TABLES, SCHEMA_SQL } from '../../outputs/duckdb/schema.ts';
import { UsageError, parseCommandArgs, required, type Command } from '../command.ts';
import { Progress, formatCount } from '../progress.ts';
import { formatIngestSummary } from './ingest-summary.ts';
import { ALERT_FLAGS, ALERT_FLAGS_HELP, alertingFromFlags } from '../../alerts/cli-flags.ts';
import { createLakeWriter } from '../../outputs/lake/index.ts';
import type { WindowPlugin } from '../../outputs/window-plugin.ts';
import { LEDGER_FLAGS, LEDGER_FLAGS_HELP, ledgerFromFlags } from '../../audit/cli-flags.ts';
import { createAlertLedgerRecorder } from '../../audit/plugin/alert-ledger-recorder.ts';
import { withTransaction } from '../../outputs/duckdb/with-transaction.ts';
import { basename } from 'node:path';
import { publishedHead } from '../../audit/duckdb/published-head.ts';
import { readHeads } from '../../audit/duckdb/read-ledger.ts';
import { createKafka } from '../../ingest/sources/kafka/kafka-client.ts';
import { brokersArg } from '../brokers-arg.ts';

const HELP = `Usage: citypulse ingest --from FILE|- --cells CSV --db FILE [options]

Reads NDJSON signalling and location records (one JSON object or array per line), pseudonymises
subscribers, places each record on the H3 grid, aggregates presence in event-time windows and writes
the tables presence, dead_letters and late_events into a DuckDB file. Every window closes at the end
of the input.

Options:
  --from FILE|-            NDJSON input; - reads standard input
${PIPELINE_FLAGS_HELP}
  --replace                drop the pipeline tables of --db first (default: append)
  --lake DIR               also write closed windows as hive-partitioned Parquet under DIR
                           (DIR/presence/date=…/hour=…/…parquet; docs/lake.md)
${ALERT_FLAGS_HELP}
${LEDGER_FLAGS_HELP}
  -h, --help               this help

Example:
  citypulse ingest --from out/demo/events.ndjson --cells out/demo/cells.csv --db out/demo/citypulse.duckdb
`;

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'NDJSON file or stdin → presence windows in DuckDB',
  help: HELP,
  async run(argv, ctx) {
    const args = parseCommandArgs(argv, { ...PIPELINE_FLAGS, ...ALERT_FLAGS, ...LEDGER_FLAGS, from: { type: 'string' }, replace: { type: 'boolean' }, lake: { type: 'string' } }, HELP, ctx);
    if (!args) return 0;
    const v = args.values;
    const from = required(v, 'from');
    const cellsPath = required(v, 'cells');
    const dbPath = required(v, 'db');
    const wc = windowConfigFromFlags(v);
    let total: number | undefined;
    if (from !== '-') {
      try {
        total = statSync(from).size;
      } catch (err) {
        throw new UsageError(`cannot read --from ${from}: ${(err as Error).message}`);
      }
    }
    const cells = loadCells(cellsPath, wc.resolution);
    const plugins: WindowPlugin[] = [];
    const ledger = ledgerFromFlags(v, ctx);
    if (v['ledger-topic'] && !ledger) throw new UsageError('--ledger-topic needs the ledger (drop --no-ledger)');
    const alerting = await alertingFromFlags(v, ctx, { resolution: wc.resolution, ledger: ledger ? createAlertLedgerRecorder(ledger) : undefined });
    if (alerting) plugins.push(alerting);
    if (v.lake) plugins.push(createLakeWriter({ dir: v.lake }));
    const { pseudonymiser, key } = pseudonymiserFromEnv(ctx.env, v['key-file']);
    ctx.stderr.write(describeKey(key) + '\n');

    const stream = from === '-' ? ctx.stdin : createReadStream(from, { highWaterMark: 1 << 20 });
    const db = await openDatabase(dbPath, { createSchema: false });
    try {
      if (v.replace) for (const t of PIPELINE_TABLES) await db.connection.run(`DROP TABLE IF EXISTS ${t}`);
      await db.connection.run(SCHEMA_SQL);
      const progress = new Progress({ stream: ctx.stderr, label: 'ingest', total, unit: 'bytes' });
      const summary = await runIngest({
        ...wc,
        cells,
        pseudonymiser,
        connection: db.connection,
        batches: lineBatches(stream, ctx.signal),
        sourceName: from === '-' ? 'stdin' : from,
        signal: ctx.signal,
        plugins,
        onProgress: (s, bytes) => progress.update(bytes, `${formatCount(s.records)} records, ${formatCount(s.accepted)} accepted`),
      });
      progress.finish(`${formatCount(summary.stats.records)} records`);
      if (ledger) {
        const s = summary.stats;
        const details = { run_id: summary.runId, source: from === '-' ? 'stdin' : basename(from), records: s.records, accepted: s.accepted, windows: s.windowsClosed, alerts: alerting?.stats.rowsWritten ?? 0 };
        const [index] = await withTransaction(db.connection, () => ledger.append(db.connection, [{ entry: { type: 'operation', at: new Date().toISOString(), op: 'ingest_run', details } }]));
        ctx.stderr.write(`ledger: ${ledger.size} entries (this run: entry ${index}), head signed by key ${ledger.head!.key_id}\n`);
        if (v['ledger-topic']) {
          const topic = String(v['ledger-topic']);
          const message = await publishedHead(db.connection, ledger.head!, (await readHeads(db.connection)).slice(-33, -1).map((h) => h.size));
          const producer = createKafka({ brokers: brokersArg(undefined, ctx.env), clientId: 'citypulse-ledger-heads' }).producer({ allowAutoTopicCreation: true });
          await producer.connect();
          try {
            await producer.send({ topic, acks: -1, messages: [{ key: message.head.log_id, value: JSON.stringify(message) }] });
          } finally {
            await producer.disconnect();
          }
          ctx.stderr.write(`ledger: head of size ${message.head.size} published to ${topic}\n`);
        }
      }
      ctx.stdout.write(formatIngestSummary(summary, dbPath));
      return 0;
    } finally {
      db.close();
    }
  },
};

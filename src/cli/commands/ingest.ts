import { checkKeyFingerprint } from '../../privacy/duckdb/check-key-fingerprint.ts';
import { keyFingerprint } from '../../privacy/key-fingerprint.ts';
import { createReadStream, statSync } from 'node:fs';
import { runIngest } from '../../../pipelines/run-ingest.ts';
import { PIPELINE_FLAGS, PIPELINE_FLAGS_HELP, keyLoadedEvent, loadCells, pseudonymiserFromEnv, windowConfigFromFlags, heapGrowthFlag, startHeapGrowth, workersFlag } from '../flags/pipeline-flags.ts';
import { lineBatches } from '../../ingest/sources/line-batches.ts';
import { DUCKDB_SIZE, openDatabase } from '../../outputs/duckdb/open.ts';
import { PIPELINE_TABLES, SCHEMA_SQL } from '../../outputs/duckdb/schema.ts';
import { UsageError, logOf, parseCommandArgs, required, type Command } from '../command.ts';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { IngestWorkers } from '../../../pipelines/ingest-workers.ts';
import { ingestDeviceConsumers, type IngestConsumerSpec } from '../../../pipelines/ingest-consumers.ts';
import { fileFingerprint, fingerprintingStream } from '../../ingest/sources/file-fingerprint.ts';
import { checkIngestTarget, linkIngestSource, recordIngestSource } from '../../outputs/duckdb/ingest-sources.ts';
import { withTransaction } from '../../outputs/duckdb/with-transaction.ts';
import { Progress, formatCount } from '../progress.ts';
import { formatIngestSummary } from './ingest-summary.ts';
import { ALERT_FLAGS, ALERT_FLAGS_HELP, alertingFromFlags } from '../flags/alert-flags.ts';
import { createLakeWriter } from '../../outputs/lake/index.ts';
import type { WindowPlugin } from '../../outputs/window-plugin.ts';
import { LEDGER_FLAGS, LEDGER_FLAGS_HELP, ledgerFromFlags } from '../flags/ledger-flags.ts';
import { createAlertLedgerRecorder } from '../../audit/plugin/alert-ledger-recorder.ts';
import { basename } from 'node:path';
import { publishedHead } from '../../audit/duckdb/published-head.ts';
import { readHeads } from '../../audit/duckdb/read-ledger.ts';
import { createKafka } from '../../ingest/sources/kafka/kafka-client.ts';
import { brokersArg } from '../../core/brokers.ts';
import { MOBILITY_FLAGS, MOBILITY_FLAGS_HELP, mobilityFromFlags } from '../flags/mobility-flags.ts';
import { MOBILITY_TABLES } from '../../mobility/duckdb/mobility-schema.ts';

/** DuckDB's memory_limit under `ingest` unless --duckdb-memory says otherwise. */
const DEFAULT_INGEST_DUCKDB_MEMORY = '128MiB';

const HELP = `Usage: citypulse ingest --from FILE|- --cells CSV --db FILE [options]

Reads NDJSON signalling and location records (one JSON object or array per line), pseudonymises
subscribers, places each record on the H3 grid, aggregates presence in event-time windows and writes
the tables presence, dead_letters and late_events into a DuckDB file. Every window closes at the end
of the input.

Options:
  --from FILE|-            NDJSON input; - reads standard input
  --source-name NAME       with --from -: the name stored with the run and its dead letters
                           (default stdin), e.g. the file a pipe reads
${PIPELINE_FLAGS_HELP}
  --replace                rebuild --db from this input: drop what earlier runs wrote (presence,
                           dead_letters, late_events, ingest_runs, ingest_sources) first
                           Without it, runs append, and ingest refuses (exit 2) an input whose
                           content was already ingested into --db (it would count every device
                           twice) and window settings other than the earlier runs'.
  --lake DIR               also write closed windows as hive-partitioned Parquet under DIR
                           (DIR/presence/date=…/hour=…/…parquet; docs/lake.md)
  --workers N|auto         window worker threads, each holding the windows and device consumers
                           (stays, trips, population, traffic) of the devices hashed to it, while
                           this thread reads, validates, pseudonymises, locates, decides lateness and
                           writes DuckDB (default 0: all on this thread; auto: one per core beyond
                           this one). The result is the same row for row (the trajectory layer's
                           hourly OD rows come as per-worker partials, as per partition under
                           stream: sum them). Measured gains: README "Performance".
  --duckdb-memory SIZE     most memory DuckDB's buffers hold (its memory_limit; default 128MiB):
                           ingest only appends, and DuckDB's own default (80 % of RAM) let its
                           cache add ~100 MiB to the peak at 250k devices for no speed; 256MiB
                           added ~65 MiB at a million devices, also for no speed
${ALERT_FLAGS_HELP}
${LEDGER_FLAGS_HELP}
${MOBILITY_FLAGS_HELP}
  -h, --help               this help

Example:
  citypulse ingest --from out/demo/sim/events.ndjson --cells out/demo/sim/cells.csv --db out/demo/citypulse.duckdb

Exit status: 0; 1 when no record was accepted (e.g. every event dead-lettered); 2 for bad flags or inputs.
`;

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'NDJSON file or stdin → presence windows in DuckDB',
  help: HELP,
  async run(argv, ctx) {
    const args = parseCommandArgs(argv, { ...PIPELINE_FLAGS, ...ALERT_FLAGS, ...LEDGER_FLAGS, ...MOBILITY_FLAGS, from: { type: 'string' }, 'source-name': { type: 'string' }, replace: { type: 'boolean' }, lake: { type: 'string' }, workers: { type: 'string', default: '0' }, 'duckdb-memory': { type: 'string', default: DEFAULT_INGEST_DUCKDB_MEMORY } }, HELP, ctx);
    if (!args) return 0;
    const v = args.values;
    const memoryLimit = String(v['duckdb-memory']).trim();
    if (!DUCKDB_SIZE.test(memoryLimit)) throw new UsageError(`--duckdb-memory ${JSON.stringify(v['duckdb-memory'])}: give a size with a unit, e.g. 256MiB or 1GiB`);
    const heapGrowth = heapGrowthFlag(v);
    const from = required(v, 'from');
    if (v['source-name'] !== undefined && from !== '-') throw new UsageError('--source-name names standard input: use it with --from -');
    if (v['source-name'] === '') throw new UsageError('--source-name is empty');
    const source = from === '-' ? String(v['source-name'] ?? 'stdin') : from;
    const cellsPath = required(v, 'cells');
    const dbPath = required(v, 'db');
    const wc = windowConfigFromFlags(v);
    // Every input is checked before the database is created or touched.
    const total = from === '-' ? undefined : inputSize(from);
    const cells = loadCells(cellsPath, wc.resolution);
    const plugins: WindowPlugin[] = [];
    const ledger = ledgerFromFlags(v, ctx);
    if (v['ledger-topic'] && !ledger) throw new UsageError('--ledger-topic needs the ledger (drop --no-ledger)');
    const alerting = await alertingFromFlags(v, ctx, { resolution: wc.resolution, ledger: ledger ? createAlertLedgerRecorder(ledger) : undefined });
    if (alerting) plugins.push(alerting);
    if (v.lake) plugins.push(createLakeWriter({ dir: v.lake }));
    // --trajectory checked (a UsageError naming it) before the spec that workers build from.
    const consumerSpec: IngestConsumerSpec = { trajectory: mobilityFromFlags(v).length > 0, areasPath: (v.areas as string | undefined) ?? null, resolution: wc.resolution };
    const deviceConsumers = await ingestDeviceConsumers(consumerSpec, cells);
    const workers = workersFlag(v.workers);
    const { pseudonymiser, key, rotateEveryMs } = pseudonymiserFromEnv(ctx.env, v['key-file'], v['rotate-every'] as string | undefined);
    const log = logOf(ctx);
    log(keyLoadedEvent(key));
    const fileFp = from === '-' ? null : await fileFingerprint(from, ctx.signal);

    const db = await openDatabase(dbPath, { createSchema: false, memoryLimit, backgroundPurge: true });
    const stopHeapCheck = startHeapGrowth(heapGrowth, log);
    try {
      const conn = db.connection;
      if (v.replace) {
        const runs = await countRuns(conn);
        for (const t of [...PIPELINE_TABLES, 'ingest_sources', 'db_meta', ...MOBILITY_TABLES, 'device_mcc', 'device_cells', 'area_visitors', 'traffic_hops', 'traffic_corridors', 'traffic_corridor_bins', 'traffic_alerts']) await conn.run(`DROP TABLE IF EXISTS ${t}`);
        log({ type: 'ingest.replaced', source, runs });
      }
      await conn.run(SCHEMA_SQL);
      await checkKeyFingerprint(conn, keyFingerprint(key.key, rotateEveryMs), key.path ?? 'from $CITYPULSE_KEY');
      await checkIngestTarget(conn, { fingerprint: fileFp, settings: wc, db: dbPath });
      if (fileFp) await recordIngestSource(conn, { fingerprint: fileFp, source: from, bytes: total ?? null, runId: null });
      const progress = new Progress({ stream: ctx.stderr, label: 'ingest', total, unit: 'bytes' , log: logOf(ctx) });
      const stdinFp = from === '-' ? fingerprintingStream() : null;
      const input = stdinFp ? ctx.stdin.pipe(stdinFp.stream) : createReadStream(from, { highWaterMark: 1 << 20 });
      const windowWorkers = workers > 0 ? new IngestWorkers({ count: workers, cellsPath, window: { ...wc, resolution: cells.resolution }, consumers: consumerSpec }) : undefined;
      const ingest = () =>
        runIngest({
          ...(windowWorkers ? { windowWorkers } : {}),
          ...wc,
          cells,
          pseudonymiser,
          connection: conn,
          batches: lineBatches(input, ctx.signal),
          sourceName: source,
          signal: ctx.signal,
          plugins,
          deviceConsumers,
          onProgress: (s, bytes) => progress.update(bytes, `${formatCount(s.records)} records, ${formatCount(s.accepted)} accepted`),
        });
      let summary;
      try {
        if (stdinFp) {
          // Standard input can be fingerprinted only once read: the run is one transaction, rolled back
          // when the bytes turn out to be an input this database already holds.
          summary = await withTransaction(conn, async () => {
            const s = await ingest();
            await checkIngestTarget(conn, { fingerprint: stdinFp.fingerprint(), settings: wc, db: dbPath });
            await recordIngestSource(conn, { fingerprint: stdinFp.fingerprint(), source, bytes: null, runId: s.runId });
            return s;
          });
        } else {
          summary = await ingest();
          await linkIngestSource(conn, fileFp!, summary.runId);
        }
      } finally {
        await windowWorkers?.close();
      }
      progress.finish(`${formatCount(summary.stats.records)} records`);
      if (ledger) {
        const s = summary.stats;
        const details = { run_id: summary.runId, source: basename(source), records: s.records, accepted: s.accepted, windows: s.windowsClosed, alerts: alerting?.stats.rowsWritten ?? 0 };
        const [index] = await withTransaction(db.connection, () => ledger.append(db.connection, [{ entry: { type: 'operation', at: new Date().toISOString(), op: 'ingest_run', details } }]));
        logOf(ctx)({ type: 'ledger.note', message: `${ledger.size} entries (this run: entry ${index}), head signed by key ${ledger.head!.key_id}` });
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
          logOf(ctx)({ type: 'ledger.note', message: `head of size ${message.head.size} published to ${topic}` });
        }
      }
      ctx.stdout.write(formatIngestSummary(summary, dbPath));
      if (summary.stats.accepted === 0) {
        const dead = Object.values(summary.stats.deadLetters).reduce((a, b) => a + b, 0);
        log({ type: 'ingest.rejected-all', source, records: summary.stats.records, deadLetters: dead });
        return 1;
      }
      return 0;
    } finally {
      stopHeapCheck();
      db.close();
    }
  },
};

/** The size of the `--from` file; a UsageError naming the flag when it is missing or not a file. */
function inputSize(from: string): number {
  let st;
  try {
    st = statSync(from);
  } catch (err) {
    throw new UsageError(`cannot read --from ${from}: ${(err as Error).message}`);
  }
  if (st.isDirectory()) throw new UsageError(`--from ${from} is a directory; name the NDJSON file in it (the simulator writes ${join(from, 'events.ndjson')})`);
  if (!st.isFile()) throw new UsageError(`--from ${from} is not a regular file (use --from - to read a pipe)`);
  return st.size;
}

async function countRuns(conn: DuckDBConnection): Promise<number> {
  const r = await conn.runAndReadAll(`SELECT count(*)::INTEGER FROM duckdb_tables() WHERE table_name = 'ingest_runs'`);
  if ((r.getRowsJS()[0]![0] as number) === 0) return 0;
  const n = await conn.runAndReadAll('SELECT count(*)::INTEGER FROM ingest_runs');
  return n.getRowsJS()[0]![0] as number;
}

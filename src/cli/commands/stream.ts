import { checkKeyFingerprint } from '../../privacy/duckdb/check-key-fingerprint.ts';
import { keyFingerprint } from '../../privacy/key-fingerprint.ts';
import { runStream } from '../../../pipelines/stream-runner.ts';
import { PIPELINE_FLAGS, PIPELINE_FLAGS_HELP, keyLoadedEvent, loadCells, pseudonymiserFromEnv, windowConfigFromFlags, heapGrowthFlag, startHeapGrowth, workersFlag } from '../flags/pipeline-flags.ts';
import { createKafka } from '../../ingest/sources/kafka/kafka-client.ts';
import { brokersArg } from '../../core/brokers.ts';
import { startRepartition } from '../../../pipelines/repartition-runner.ts';
import { DUCKDB_SIZE, openDatabase } from '../../outputs/duckdb/open.ts';
import { UsageError, logOf, parseCommandArgs, required, type Command } from '../command.ts';
import { parseDuration } from '../../core/duration.ts';
import { formatCount } from '../progress.ts';
import { ALERT_FLAGS, ALERT_FLAGS_HELP, alertingFromFlags } from '../flags/alert-flags.ts';
import { LEDGER_FLAGS, LEDGER_FLAGS_HELP, ledgerFromFlags } from '../flags/ledger-flags.ts';
import { createAlertLedgerRecorder } from '../../audit/plugin/alert-ledger-recorder.ts';
import { createHeadPublishing } from '../../audit/plugin/head-publishing.ts';
import { DEFAULT_ALERT_TOPIC } from '../../alerts/delivery/kafka-alert-publisher.ts';
import { MOBILITY_FLAGS, MOBILITY_FLAGS_HELP, mobilityFromFlags } from '../flags/mobility-flags.ts';
import { ingestDeviceConsumers, type IngestConsumerSpec } from '../../../pipelines/ingest-consumers.ts';
import { createLakeWriter } from '../../outputs/lake/index.ts';
import type { WindowPlugin } from '../../outputs/window-plugin.ts';
import { POSTGRES_FLAGS, POSTGRES_FLAGS_HELP, postgresMirrorFromFlags } from '../flags/postgres-flags.ts';
import { STREAM_HTTP_FLAGS, STREAM_HTTP_FLAGS_HELP, startStreamHttp, streamHttpFromFlags } from '../flags/stream-http-flags.ts';

/** DuckDB's memory_limit under `stream` unless --duckdb-memory says otherwise. */
const DEFAULT_STREAM_DUCKDB_MEMORY = '1GiB';

const HELP = `Usage: citypulse stream --brokers B --topics T1,T2 --group G --cells CSV --db FILE [options]

Consumes signalling/location topics in a Kafka consumer group through the same stages as ingest.
Results, offsets and window state of every partition commit together in the DuckDB file, so a crash
(even kill -9) followed by a restart neither loses nor double-counts an event.

Options:
  --brokers B              bootstrap brokers host:port[,host:port] (default $CITYPULSE_BROKERS or 127.0.0.1:9092)
  --topics T1,T2           topics to consume (records: one JSON object or array per message)
  --group G                consumer group (default citypulse); checkpoints are kept per group
${PIPELINE_FLAGS_HELP}
  --exit-when-idle DUR     stop once every assigned partition is caught up and nothing arrived for DUR
                           (with a unit: 10s, 2m; a bare number is refused); all windows then close,
                           as at the end of a file. Default: run until SIGTERM/SIGINT, which finishes
                           the batch in hand and commits.
  --partition-idle DUR     a partition silent this long stops holding publication back (default 30s)
  --checkpoint-every DUR   longest time between checkpoints while messages flow (default 5s)
  --catch-up-every DUR     on a backlog, least time between checkpoints that closed windows ask for
                           (default 1s; caught up, a closed window is checkpointed at once; 0s: always)
  --snapshot-every DUR     least time between two snapshots of a partition's window state (default 0:
                           every checkpoint while they are cheap, then about a tenth of the time);
                           between snapshots a checkpoint stores results and offsets, and a restart
                           replays the messages since the last snapshot without storing them again
  --full-snapshots         write every snapshot whole; by default a checkpoint between two whole
                           snapshots stores only what changed since the previous one (the devices
                           with new events, and those events), and a whole one follows a window's
                           device pass or once the changes outweigh it
  --dead-letter-topic T    where poison messages go, with reason/source headers (default citypulse-dead-letters; "" disables)
  --repartition            for topics whose messages mix subscribers (JSON arrays or Arrow batches of
                           many devices, unkeyed messages): first re-key every record by its
                           pseudonymous device through the internal topic citypulse-rp.<group>
                           (exactly once, Kafka transactions), then window that topic
  --no-handoff             do not share window state through the citypulse-state.<group> topic
                           (only safe with a single process per group)
  --workers N|auto         worker threads holding whole partitions' pipelines (decode, validate,
                           pseudonymise, locate, windows, stays/trips, population, traffic), while
                           this thread reads Kafka and writes the checkpoints (default 0: all on
                           this thread; auto: one per core beyond this one). Same results, exactly
                           once as without. Not with --repartition. Measured gains: README
                           "Performance".
  --lake DIR               also write published windows as hive-partitioned Parquet under DIR
  --duckdb-memory SIZE     most memory DuckDB's buffers hold (its memory_limit; default 1GiB): past it,
                           cached blocks of --db are evicted and large queries spill to FILE.tmp.
                           DuckDB's own default, 80 % of RAM, puts no practical bound on the cache
                           of a long-running writer
${ALERT_FLAGS_HELP}
${LEDGER_FLAGS_HELP}
                           (under stream, alerts also go to the topic ${DEFAULT_ALERT_TOPIC} by default)
${MOBILITY_FLAGS_HELP}
${POSTGRES_FLAGS_HELP}
${STREAM_HTTP_FLAGS_HELP}
  -h, --help               this help

Scale-out: run several processes with the same --group, each with its own --db; merge their files
with "citypulse merge --into FILE A.duckdb B.duckdb", or give them all the same --postgres: the
PostgreSQL views sum the processes' rows with no merge step (docs/postgres.md). See README "Kafka".
`;

export const streamCommand: Command = {
  name: 'stream',
  summary: 'Kafka consumer group → presence windows in DuckDB, exactly once',
  help: HELP,
  async run(argv, ctx) {
    const args = parseCommandArgs(
      argv,
      {
        ...PIPELINE_FLAGS,
        ...ALERT_FLAGS,
        ...LEDGER_FLAGS,
        ...MOBILITY_FLAGS,
        ...POSTGRES_FLAGS,
        ...STREAM_HTTP_FLAGS,
        lake: { type: 'string' },
        brokers: { type: 'string' },
        topics: { type: 'string' },
        group: { type: 'string', default: 'citypulse' },
        'exit-when-idle': { type: 'string' },
        'partition-idle': { type: 'string', default: '30s' },
        'checkpoint-every': { type: 'string', default: '5s' },
        'catch-up-every': { type: 'string', default: '1s' },
        'snapshot-every': { type: 'string', default: '0s' },
        'dead-letter-topic': { type: 'string', default: 'citypulse-dead-letters' },
        'no-handoff': { type: 'boolean' },
        'full-snapshots': { type: 'boolean' },
        'duckdb-memory': { type: 'string', default: DEFAULT_STREAM_DUCKDB_MEMORY },
        repartition: { type: 'boolean' },
        workers: { type: 'string', default: '0' },
      },
      HELP,
      ctx,
    );
    if (!args) return 0;
    const v = args.values;
    const brokers = brokersArg(v.brokers, ctx.env);
    const topics = required(v, 'topics').split(',').map((t) => t.trim()).filter(Boolean);
    const dbPath = required(v, 'db');
    const wc = windowConfigFromFlags(v);
    // Every duration is read before anything connects or opens, so `--exit-when-idle 10` fails at once.
    const dur = (flag: 'exit-when-idle' | 'partition-idle' | 'checkpoint-every' | 'catch-up-every' | 'snapshot-every') => parseDuration(String(v[flag]), `--${flag}`);
    const exitWhenIdleMs = v['exit-when-idle'] !== undefined ? dur('exit-when-idle') : undefined;
    const partitionIdleMs = dur('partition-idle');
    const checkpointIntervalMs = dur('checkpoint-every');
    const catchUpCheckpointMs = dur('catch-up-every');
    const snapshotIntervalMs = dur('snapshot-every');
    const memoryLimit = String(v['duckdb-memory']).trim();
    if (!DUCKDB_SIZE.test(memoryLimit)) throw new UsageError(`--duckdb-memory ${JSON.stringify(v['duckdb-memory'])}: give a size with a unit, e.g. 512MiB or 2GiB`);
    const heapGrowth = heapGrowthFlag(v);
    const httpOptions = streamHttpFromFlags(v);
    const workers = workersFlag(v.workers);
    if (workers > 0 && v.repartition) throw new UsageError("--workers does not combine with --repartition: the workers take the topics' records, not the located topic of the repartition stage");
    const cellsPath = required(v, 'cells');
    const cells = loadCells(cellsPath, wc.resolution);
    const { pseudonymiser, key, rotateEveryMs } = pseudonymiserFromEnv(ctx.env, v['key-file'], v['rotate-every'] as string | undefined);
    const log = logOf(ctx);
    log(keyLoadedEvent(key));
    const plugins: WindowPlugin[] = [];
    const ledger = ledgerFromFlags(v, ctx);
    const alerting = await alertingFromFlags(v, ctx, { resolution: wc.resolution, brokers, defaultTopic: DEFAULT_ALERT_TOPIC, ledger: ledger ? createAlertLedgerRecorder(ledger) : undefined });
    if (alerting) plugins.push(alerting);
    if (v.lake) plugins.push(createLakeWriter({ dir: String(v.lake) }));
    if (v['ledger-topic']) {
      if (!ledger) throw new UsageError('--ledger-topic needs the ledger (drop --no-ledger)');
      const producer = createKafka({ brokers, clientId: 'citypulse-ledger-heads' }).producer({ allowAutoTopicCreation: true });
      plugins.push(createHeadPublishing({ ledger, producer, topic: String(v['ledger-topic']), onError: (err) => logOf(ctx)({ type: 'ledger.note', message: `publishing a head failed (${err.message}); the next one follows` }) }));
    }
    // --trajectory checked (a UsageError naming it) before the spec that workers build from.
    const consumerSpec: IngestConsumerSpec = { trajectory: mobilityFromFlags(v).length > 0, areasPath: (v.areas as string | undefined) ?? null, resolution: wc.resolution };
    const deviceConsumers = await ingestDeviceConsumers(consumerSpec, cells);
    const mirror = postgresMirrorFromFlags(v, ctx.env, String(v.group), (message) => log({ type: 'stream.note', component: 'stream', message: `postgres: ${message}` }));
    const db = await openDatabase(dbPath, { memoryLimit, backgroundPurge: true });
    try {
      await checkKeyFingerprint(db.connection, keyFingerprint(key.key, rotateEveryMs), key.path ?? 'from $CITYPULSE_KEY');
    } catch (err) {
      db.close();
      throw err;
    }
    const live = httpOptions
      ? await startStreamHttp(httpOptions, ctx, { instance: db.instance, path: dbPath }, alerting ? () => alerting.deliveries() : undefined).catch((err: unknown) => {
          db.close();
          throw err;
        })
      : null;
    const t0 = performance.now();
    const group = String(v.group);
    const dlqTopic = v['dead-letter-topic'] ? String(v['dead-letter-topic']) : null;
    const repartitioner = v.repartition
      ? await startRepartition({
          kafka: createKafka({ brokers, clientId: `citypulse-${group}-rp` }),
          topics,
          groupId: group,
          cells,
          pseudonymiser,
          deadLetterTopic: dlqTopic,
          // The runners take string notes; they become typed events here (see the report on issue 9).
          log: (message) => log({ type: 'stream.note', component: 'repartition', message }),
        }).catch(async (err: unknown) => {
          // The HTTP server would otherwise keep the process alive.
          await live?.close('stream failed to start');
          throw err;
        })
      : null;
    const stopHeapCheck = startHeapGrowth(heapGrowth, log);
    try {
      const result = await runStream({
        ...wc,
        brokers,
        topics: repartitioner ? [repartitioner.topic] : topics,
        ...(repartitioner ? { input: 'located' as const, sourcePartitions: repartitioner.sources, upstreamCaughtUp: () => repartitioner.caughtUp() } : {}),
        groupId: group,
        cells,
        pseudonymiser,
        connection: db.connection,
        ...(exitWhenIdleMs !== undefined ? { exitWhenIdleMs } : {}),
        partitionIdleMs,
        checkpointIntervalMs,
        catchUpCheckpointMs,
        snapshotIntervalMs,
        incrementalSnapshots: !v['full-snapshots'],
        // With --repartition, poison messages were already sent by the repartition stage.
        deadLetterTopic: repartitioner ? null : dlqTopic,
        handoff: !v['no-handoff'],
        plugins,
        deviceConsumers,
        ...(workers > 0 ? { workers: { count: workers, cellsPath, window: { ...wc, resolution: cells.resolution }, consumers: consumerSpec, pseudonym: { key: key.key, ...(rotateEveryMs !== undefined ? { rotateEveryMs } : {}) } } } : {}),
        ...(mirror ? { mirror } : {}),
        ...(live ? { observer: live.observer, readyMaxLag: httpOptions!.readyMaxLag } : {}),
        signal: ctx.signal,
        log: (message) => log({ type: 'stream.note', component: 'stream', message }),
        onCheckpoint: (p) =>
          log({ type: 'stream.checkpoint', checkpoints: p.checkpoints, messages: p.messages, accepted: p.accepted, deadLetters: p.deadLetters, late: p.late, publishedUntil: p.publishedUntil ?? null }),
      });
      const secs = (performance.now() - t0) / 1000;
      ctx.stdout.write(
        `messages       ${result.messages.toLocaleString('en-US')} from ${result.partitions} partitions\n` +
          `records        ${result.records.toLocaleString('en-US')} (${result.accepted.toLocaleString('en-US')} accepted, ${result.deadLetters} dead letters, ${result.late} late)\n` +
          `published to   ${result.publishedUntil ? new Date(result.publishedUntil).toISOString() : '—'}\n` +
          `speed          ${formatCount(result.records / secs)} records/s over ${secs.toFixed(1)} s (incl. group join and idle wait)\n` +
          `database       ${dbPath}\n`,
      );
      return 0;
    } finally {
      stopHeapCheck();
      await repartitioner?.stop();
      await live?.close('stream stopped');
      db.close();
    }
  },
};

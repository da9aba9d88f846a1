import { runStream } from '../../../pipelines/stream-runner.ts';
import { PIPELINE_FLAGS, PIPELINE_FLAGS_HELP, describeKey, loadCells, pseudonymiserFromEnv, windowConfigFromFlags } from '../../config/pipeline-options.ts';
import { createKafka } from '../../ingest/sources/kafka/kafka-client.ts';
import { brokersArg } from '../brokers-arg.ts';
import { startRepartition } from '../../../pipelines/repartition-runner.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { UsageError, parseCommandArgs, required, type Command } from '../command.ts';
import { parseDuration } from '../duration.ts';
import { formatCount } from '../progress.ts';
import { ALERT_FLAGS, ALERT_FLAGS_HELP, alertingFromFlags } from '../../alerts/cli-flags.ts';
import { DEFAULT_ALERT_TOPIC } from '../../alerts/delivery/kafka-alert-publisher.ts';
import type { DeviceConsumerPlugin } from '../../window/device-window.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { populationPlugin } from '../../population/plugin/population-plugin.ts';
import { MOBILITY_FLAGS, MOBILITY_FLAGS_HELP, mobilityFromFlags } from '../../mobility/cli-flags.ts';
import { createLakeWriter } from '../../outputs/lake/index.ts';
import type { WindowPlugin } from '../../outputs/window-plugin.ts';

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
                           (e.g. 10s); all windows then close, as at the end of a file. Default: run
                           until SIGTERM/SIGINT, which finishes the batch in hand and commits.
  --partition-idle DUR     a partition silent this long stops holding publication back (default 30s)
  --checkpoint-every DUR   longest time between checkpoints while messages flow (default 5s)
  --dead-letter-topic T    where poison messages go, with reason/source headers (default citypulse-dead-letters; "" disables)
  --repartition            for topics whose messages mix subscribers (JSON arrays or Arrow batches of
                           many devices, unkeyed messages): first re-key every record by its
                           pseudonymous device through the internal topic citypulse-rp.<group>
                           (exactly once, Kafka transactions), then window that topic
  --no-handoff             do not share window state through the citypulse-state.<group> topic
                           (only safe with a single process per group)
  --lake DIR               also write published windows as hive-partitioned Parquet under DIR
${ALERT_FLAGS_HELP}
                           (under stream, alerts also go to the topic ${DEFAULT_ALERT_TOPIC} by default)
${MOBILITY_FLAGS_HELP}
  -h, --help               this help

Scale-out: run several processes with the same --group, each with its own --db; merge their files
with "citypulse merge --into FILE A.duckdb B.duckdb". See README "Kafka".
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
        ...MOBILITY_FLAGS,
        lake: { type: 'string' },
        brokers: { type: 'string' },
        topics: { type: 'string' },
        group: { type: 'string', default: 'citypulse' },
        'exit-when-idle': { type: 'string' },
        'partition-idle': { type: 'string', default: '30s' },
        'checkpoint-every': { type: 'string', default: '5s' },
        'dead-letter-topic': { type: 'string', default: 'citypulse-dead-letters' },
        'no-handoff': { type: 'boolean' },
        repartition: { type: 'boolean' },
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
    const cells = loadCells(required(v, 'cells'), wc.resolution);
    const { pseudonymiser, key } = pseudonymiserFromEnv(ctx.env, v['key-file']);
    ctx.stderr.write(describeKey(key) + '\n');
    const plugins: WindowPlugin[] = [];
    const alerting = await alertingFromFlags(v, ctx, { resolution: wc.resolution, brokers, defaultTopic: DEFAULT_ALERT_TOPIC });
    if (alerting) plugins.push(alerting);
    if (v.lake) plugins.push(createLakeWriter({ dir: String(v.lake) }));
    const deviceConsumers = [...mobilityFromFlags(v), populationPlugin() as DeviceConsumerPlugin<unknown, DuckDBConnection>];
    const dur = (flag: string) => {
      try {
        return parseDuration(String(v[flag as keyof typeof v]), `--${flag}`);
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
    };
    const db = await openDatabase(dbPath);
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
          log: (m) => ctx.stderr.write(`repartition: ${m}\n`),
        })
      : null;
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
        ...(v['exit-when-idle'] !== undefined ? { exitWhenIdleMs: dur('exit-when-idle') } : {}),
        partitionIdleMs: dur('partition-idle'),
        checkpointIntervalMs: dur('checkpoint-every'),
        // With --repartition, poison messages were already sent by the repartition stage.
        deadLetterTopic: repartitioner ? null : dlqTopic,
        handoff: !v['no-handoff'],
        plugins,
        deviceConsumers,
        signal: ctx.signal,
        log: (m) => ctx.stderr.write(`stream: ${m}\n`),
        onCheckpoint: (p) =>
          ctx.stderr.write(
            `stream: checkpoint ${p.checkpoints} · ${formatCount(p.messages)} messages · ${formatCount(p.accepted)} accepted · ${p.deadLetters} dead · ${p.late} late · published to ${p.publishedUntil ? new Date(p.publishedUntil).toISOString() : '—'}\n`,
          ),
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
      await repartitioner?.stop();
      db.close();
    }
  },
};

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
import type { DeviceConsumerPlugin } from '../../window/device-window.ts';
import type { DuckDBConnection } from '@duckdb/node-api';
import { populationPlugin } from '../../population/plugin/population-plugin.ts';
import { MOBILITY_FLAGS, MOBILITY_FLAGS_HELP, mobilityFromFlags } from '../../mobility/cli-flags.ts';
import { MOBILITY_TABLES } from '../../mobility/duckdb/mobility-schema.ts';

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
${MOBILITY_FLAGS_HELP}
  -h, --help               this help

Example:
  citypulse ingest --from out/demo/events.ndjson --cells out/demo/cells.csv --db out/demo/citypulse.duckdb
`;

export const ingestCommand: Command = {
  name: 'ingest',
  summary: 'NDJSON file or stdin → presence windows in DuckDB',
  help: HELP,
  async run(argv, ctx) {
    const args = parseCommandArgs(argv, { ...PIPELINE_FLAGS, ...ALERT_FLAGS, ...MOBILITY_FLAGS, from: { type: 'string' }, replace: { type: 'boolean' }, lake: { type: 'string' } }, HELP, ctx);
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
    const alerting = await alertingFromFlags(v, ctx, { resolution: wc.resolution });
    if (alerting) plugins.push(alerting);
    if (v.lake) plugins.push(createLakeWriter({ dir: v.lake }));
    const deviceConsumers = [...mobilityFromFlags(v), populationPlugin() as DeviceConsumerPlugin<unknown, DuckDBConnection>];
    const { pseudonymiser, key } = pseudonymiserFromEnv(ctx.env, v['key-file']);
    ctx.stderr.write(describeKey(key) + '\n');

    const stream = from === '-' ? ctx.stdin : createReadStream(from, { highWaterMark: 1 << 20 });
    const db = await openDatabase(dbPath, { createSchema: false });
    try {
      if (v.replace) for (const t of [...PIPELINE_TABLES, ...MOBILITY_TABLES, 'device_mcc']) await db.connection.run(`DROP TABLE IF EXISTS ${t}`);
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
        deviceConsumers,
        onProgress: (s, bytes) => progress.update(bytes, `${formatCount(s.records)} records, ${formatCount(s.accepted)} accepted`),
      });
      progress.finish(`${formatCount(summary.stats.records)} records`);
      ctx.stdout.write(formatIngestSummary(summary, dbPath));
      return 0;
    } finally {
      db.close();
    }
  },
};

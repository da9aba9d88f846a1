import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildJavaPeer } from '../lib/java-peer.ts';
import { simulatedInput } from '../lib/inputs.ts';
import { cleanupGroup, filledTopic } from '../lib/kafka.ts';
import { repeated } from '../lib/repeat.ts';
import { summarise, target } from '../lib/summarise.ts';
import { skipped, type Benchmark } from './benchmark.ts';

/**
 * `citypulse stream` beside a Kafka Streams application doing the closest work it can
 * (bench/peers/kafka-streams: per 15-minute window and H3 res-9 cell, events and distinct devices,
 * RocksDB state, exactly-once v2, suppression until the window closes, aggregated per source
 * partition and summed afterwards) and beside a plain Java consumer (kafka-clients, no processing),
 * on the same pre-filled 3-partition topic of a whole simulated day, runs alternating. The peer's
 * (window, cell, events, active) rows are checked equal to ours. The Java programs are built on
 * demand with Maven; without Java or Maven the rows say "peer not built: <reason>".
 */
export const kafkaStreamsPeer: Benchmark = {
  name: 'kafka_streams_peer',
  summary: 'citypulse stream vs a Kafka Streams peer (same topic, same run, rows compared) and a plain Java consumer',
  async run(ctx, services) {
    const kafka = await services.kafka();
    if (kafka.skipped) return [skipped(ctx, 'kafka_streams_peer', 'json', kafka.skipped)];
    const build = buildJavaPeer(ctx.log);
    if ('skipped' in build) return [skipped(ctx, 'kafka_streams_peer', 'json', build.skipped)];
    const input = await simulatedInput(ctx, { subscribers: ctx.preset.kafka });
    const t = await filledTopic(ctx, kafka.brokers, input, 'ndjson');
    const id = (kind: string) => `bench-${kind}-${randomBytes(4).toString('hex')}`;
    const oursRows = join(ctx.dirs.tmp, 'peer-compare-citypulse.csv');
    const peerRows = join(ctx.dirs.tmp, 'peer-compare-kafka-streams.csv');
    const java = (mainClass: string, args: string[], label: string) =>
      ctx.measure('java-peer', { classPath: build.classPath, mainClass, args, records: t.records }, label);
    const oursWorkersRows = join(ctx.dirs.tmp, 'peer-compare-citypulse-workers.csv');
    const citypulse = (workers: number, rows: string) => ({
      label: `citypulse stream${workers > 0 ? ` --workers ${workers}` : ''}`,
      once: async () => {
        const groupId = id('e2e');
        try {
          return await ctx.measure(
            'stream-e2e',
            { brokers: kafka.brokers, topic: t.topic, groupId, cells: input.cells, db: join(ctx.dirs.tmp, `${groupId}.duckdb`), records: t.records, key: ctx.key, rows, workers },
            `peer-citypulse-e2e${workers > 0 ? `-w${workers}` : ''}`,
          );
        } finally {
          await cleanupGroup(kafka.brokers, groupId);
        }
      },
    });
    const [ours, streams, raw, oursWorkers] = await repeated(ctx, [
      citypulse(0, oursRows),
      {
        label: 'Kafka Streams peer',
        once: async () => {
          const appId = id('kstreams');
          const stateDir = join(ctx.dirs.tmp, appId);
          try {
            return await java(
              'citypulse.peer.PresencePeer',
              ['--brokers', kafka.brokers.join(','), '--topic', t.topic, '--cells', input.cells, '--records', String(t.records), '--result', peerRows, '--app-id', appId, '--state-dir', stateDir],
              'peer-kafka-streams',
            );
          } finally {
            rmSync(stateDir, { recursive: true, force: true });
          }
        },
      },
      {
        label: 'Java consumer',
        once: async () => {
          const groupId = id('java-raw');
          try {
            return await java('citypulse.peer.RawConsumer', ['--brokers', kafka.brokers.join(','), '--topic', t.topic, '--group', groupId, '--messages', String(t.messages)], 'peer-java-raw');
          } finally {
            await cleanupGroup(kafka.brokers, groupId);
          }
        },
      },
      // `stream --workers 1` (its span starts at the first partition restore: a few tenths of a second more than the row above's).
      citypulse(1, oursWorkersRows),
    ]);
    const a = readRows(oursRows);
    const b = readRows(peerRows);
    const diff = differences(a, b);
    const streamsRow = summarise(ctx, 'kafka_streams_app', 'Kafka Streams 4.3.1', streams!, {
      note: 'per-device windowed aggregate (RocksDB), EOS v2, suppress until window close, summed per (window, cell); 1 stream thread, commit.interval.ms default (100 under EOS); first record → sums account for every record',
    });
    const rawRow = summarise(ctx, 'java_raw_consume', 'kafka-clients 4.3.1', raw!, {
      note: `KafkaConsumer counting ${t.messages.toLocaleString('en-US')} messages, no decoding; first non-empty poll → last message`,
    });
    const vsStreams = summarise(ctx, 'kafka_streams_peer', 'json vs Kafka Streams', ours!, {
      peer: { name: 'Kafka Streams', seconds: streamsRow.seconds, eventsPerSecond: streamsRow.eventsPerSecond, peakRssMiB: streamsRow.peakRssMiB },
      peerRuns: streams!,
      note: `${t.records.toLocaleString('en-US')} records (${ctx.preset.kafka.toLocaleString('en-US')} subscribers × 1 day); rows (window, cell, events, active) equal to the peer's: ${diff === 0 ? `yes (${a.size.toLocaleString('en-US')} rows)` : `NO (${diff} of ${Math.max(a.size, b.size)} differ)`}`,
    });
    vsStreams.ratio = vsStreams.eventsPerSecond / streamsRow.eventsPerSecond;
    vsStreams.metrics.rowsEqualToPeer = diff === 0 ? 1 : 0;
    vsStreams.metrics.comparedRows = a.size;
    vsStreams.metrics.differentRows = diff;
    vsStreams.targets.push(target('≥ 3 × Kafka Streams', vsStreams.ratio >= 3), target('rows equal to the peer', diff === 0));
    const vsRaw = summarise(ctx, 'kafka_streams_peer', 'json vs Java consumer', ours!, {
      peer: { name: 'Java consumer', seconds: rawRow.seconds, eventsPerSecond: rawRow.eventsPerSecond, peakRssMiB: rawRow.peakRssMiB },
      peerRuns: raw!,
      note: 'same citypulse runs as the row above; ratio = citypulse events/s ÷ plain Java consumer events/s',
    });
    vsRaw.ratio = vsRaw.eventsPerSecond / rawRow.eventsPerSecond;
    const w = readRows(oursWorkersRows);
    const diffW = differences(w, b);
    const workersVsStreams = summarise(ctx, 'kafka_streams_peer', 'json --workers 1 vs Kafka Streams', oursWorkers!, {
      peer: { name: 'Kafka Streams', seconds: streamsRow.seconds, eventsPerSecond: streamsRow.eventsPerSecond, peakRssMiB: streamsRow.peakRssMiB },
      peerRuns: streams!,
      note: `citypulse stream --workers 1 (partitions' pipelines on a worker thread), timed from the first partition restore; rows equal to the peer's: ${diffW === 0 ? 'yes' : `NO (${diffW} differ)`}`,
    });
    workersVsStreams.ratio = workersVsStreams.eventsPerSecond / streamsRow.eventsPerSecond;
    workersVsStreams.metrics.rowsEqualToPeer = diffW === 0 ? 1 : 0;
    workersVsStreams.metrics.comparedRows = w.size;
    workersVsStreams.metrics.differentRows = diffW;
    workersVsStreams.targets.push(target('≥ 3 × Kafka Streams', workersVsStreams.ratio >= 3), target('rows equal to the peer', diffW === 0));
    return [vsStreams, workersVsStreams, vsRaw, streamsRow, rawRow];
  },
};

/** A rows CSV (window_start,h3,events,active) keyed by window and cell. */
function readRows(file: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const [ws, h3, events, active] = line.split(',');
    m.set(`${ws},${h3}`, `${events},${active}`);
  }
  return m;
}

/** Rows present in only one map or with different values. */
function differences(a: Map<string, string>, b: Map<string, string>): number {
  let n = 0;
  for (const [k, v] of a) if (b.get(k) !== v) n++;
  for (const k of b.keys()) if (!a.has(k)) n++;
  return n;
}

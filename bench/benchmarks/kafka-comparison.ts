import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { PublishEncoding } from '../../src/ingest/encode/message-batcher.ts';
import type { BenchContext } from '../lib/context.ts';
import { simulatedInput } from '../lib/inputs.ts';
import { cleanupGroup, filledTopic } from '../lib/kafka.ts';
import { repeated } from '../lib/repeat.ts';
import { fmtSeconds } from '../lib/table.ts';
import type { BenchResult } from '../lib/result.ts';
import { summarise } from '../lib/summarise.ts';
import { skipped, type BenchServices, type BenchmarkName } from './benchmark.ts';

/** What {@link kafkaComparison} measures. */
export interface KafkaComparisonSpec {
  name: BenchmarkName;
  encoding: PublishEncoding;
  recordsPerMessage?: number;
  /** Also `citypulse stream --workers N` for each N, alternating with the rest (rows compared with the one-thread run). */
  workers?: number[];
}

/**
 * End-to-end `citypulse stream` (pre-filled topic → committed windows in DuckDB) beside plain
 * kafkajs consuming the same topic, runs alternating. Returns the e2e row (peer = raw consume,
 * ratio = e2e events/s ÷ raw events/s) and the raw row.
 */
export async function kafkaComparison(ctx: BenchContext, services: BenchServices, spec: KafkaComparisonSpec): Promise<BenchResult[]> {
  const variant = spec.recordsPerMessage ? `${spec.encoding} × ${spec.recordsPerMessage}` : spec.encoding;
  const kafka = await services.kafka();
  if (kafka.skipped) return [skipped(ctx, spec.name, variant, kafka.skipped)];
  const input = await simulatedInput(ctx, { subscribers: ctx.preset.kafka });
  const t = await filledTopic(ctx, kafka.brokers, input, spec.encoding, spec.recordsPerMessage);
  const group = (kind: string) => `bench-${kind}-${randomBytes(4).toString('hex')}`;
  const e2eSeries = (workers: number) => ({
    label: `${spec.name} ${variant} e2e${workers > 0 ? ` --workers ${workers}` : ''}`,
    once: async () => {
      const groupId = group('e2e');
      try {
        return await ctx.measure(
          'stream-e2e',
          { brokers: kafka.brokers, topic: t.topic, groupId, cells: input.cells, db: join(ctx.dirs.tmp, `${groupId}.duckdb`), records: t.records, key: ctx.key, workers },
          `${spec.name}-${spec.encoding}-e2e${workers > 0 ? `-w${workers}` : ''}`,
        );
      } finally {
        await cleanupGroup(kafka.brokers, groupId);
      }
    },
  });
  const workerCounts = spec.workers ?? [];
  const [e2e, raw, ...withWorkers] = await repeated(ctx, [
    e2eSeries(0),
    {
      label: `${spec.name} ${variant} raw consume`,
      once: async () => {
        const groupId = group('raw');
        try {
          return await ctx.measure('raw-consume', { brokers: kafka.brokers, topic: t.topic, groupId, messages: t.messages, records: t.records }, `${spec.name}-${spec.encoding}-raw`);
        } finally {
          await cleanupGroup(kafka.brokers, groupId);
        }
      },
    },
    ...workerCounts.map(e2eSeries),
  ]);
  const rawRow = summarise(ctx, 'kafka_raw_consume', variant, raw!, {
    note: `kafkajs eachBatch counting ${t.messages.toLocaleString('en-US')} messages (${t.records.toLocaleString('en-US')} records), no decoding; first batch → last message`,
  });
  const e2eRow = summarise(ctx, spec.name, variant, e2e!, {
    peer: { name: 'raw consume', seconds: rawRow.seconds, eventsPerSecond: rawRow.eventsPerSecond, peakRssMiB: rawRow.peakRssMiB },
    peerRuns: raw!,
    note: `${t.messages.toLocaleString('en-US')} messages, ${ctx.preset.kafka.toLocaleString('en-US')} subscribers × 1 day; first record → final checkpoint committed (group join excluded, idle wait < 0.25 s)`,
  });
  e2eRow.ratio = e2eRow.eventsPerSecond / rawRow.eventsPerSecond;
  // A worker run's span starts at the first partition restore (its records are pseudonymised out of
  // the probe's sight, see stream-e2e.ts): the one-thread runs are compared from the same mark.
  const fromRestore = e2e!.map((r) => ({ ...r, seconds: r.extra.secondsFromRestore ?? r.seconds }));
  const oneThread = summarise(ctx, spec.name, variant, fromRestore);
  const workerRows = workerCounts.map((n, i) => {
    const row = summarise(ctx, spec.name, `${variant}, --workers ${n}`, withWorkers[i]!, {
      peer: { name: 'one thread', seconds: oneThread.seconds, eventsPerSecond: oneThread.eventsPerSecond, peakRssMiB: oneThread.peakRssMiB },
      peerRuns: fromRestore,
    });
    row.ratio = row.eventsPerSecond / oneThread.eventsPerSecond;
    row.note = `partitions' pipelines on ${n} worker thread${n > 1 ? 's' : ''}, Kafka and checkpoints on the main thread; ratio = ÷ the one-thread runs timed from the same mark (the first partition restore: ${fmtSeconds(oneThread.seconds.median)}); ${(row.eventsPerSecond / rawRow.eventsPerSecond).toFixed(2)}× raw consume`;
    return row;
  });
  return [e2eRow, rawRow, ...workerRows];
}

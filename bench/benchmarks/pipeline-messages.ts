import { simulatedInput } from '../lib/inputs.ts';
import { repeated } from '../lib/repeat.ts';
import { summarise, target } from '../lib/summarise.ts';
import { PIPELINE_MESSAGE_VARIANTS } from '../tasks/pipeline-messages.ts';
import type { Benchmark } from './benchmark.ts';

/**
 * The pipeline alone (no Kafka, no DuckDB): the same simulated day as NDJSON lines, JSON arrays,
 * and Arrow batches fed per record and column-wise — what each decoding path costs, alternating in
 * one run. Each row's peer is the NDJSON variant.
 */
export const pipelineMessages: Benchmark = {
  name: 'pipeline_messages',
  summary: 'the pipeline alone: NDJSON vs JSON arrays vs Arrow per record vs Arrow columnar (events/s)',
  async run(ctx) {
    const input = await simulatedInput(ctx, { subscribers: ctx.preset.kafka });
    const n = ctx.preset.recordsPerMessage;
    const series = PIPELINE_MESSAGE_VARIANTS.map((variant) => ({
      label: `pipeline_messages ${variant}`,
      once: () => ctx.measure('pipeline-messages', { input: input.events, cells: input.cells, key: ctx.key, variant, recordsPerMessage: n }, `pipeline-messages-${variant}`),
    }));
    const runs = await repeated(ctx, series);
    const results = PIPELINE_MESSAGE_VARIANTS.map((variant, i) =>
      summarise(ctx, 'pipeline_messages', variant === 'ndjson' ? 'ndjson' : `${variant} × ${n}`, runs[i]!, {
        note: 'decode → validate → pseudonymise → locate → windows, in process; timed from the first message to the last window',
      }),
    );
    const base = results[0]!;
    for (const r of results.slice(1)) {
      r.peer = { name: 'ndjson', seconds: base.seconds, eventsPerSecond: base.eventsPerSecond, peakRssMiB: base.peakRssMiB };
      r.ratio = r.eventsPerSecond / base.eventsPerSecond;
    }
    const columnar = results[3]!;
    const perRecord = results[2]!;
    columnar.metrics.vsPerRecord = columnar.eventsPerSecond / perRecord.eventsPerSecond;
    columnar.targets.push(target('≥ 1M events/s (pipeline alone)', columnar.eventsPerSecond >= 1_000_000));
    return results;
  },
};

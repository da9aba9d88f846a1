import { target } from '../lib/summarise.ts';
import type { Benchmark } from './benchmark.ts';
import { kafkaComparison } from './kafka-comparison.ts';

/** Many records per message: JSON arrays, and Arrow IPC record batches decoded column-wise. */
export const kafkaE2eBatched: Benchmark = {
  name: 'kafka_e2e_batched',
  summary: 'citypulse stream with many events per message: JSON arrays and Arrow record batches',
  async run(ctx, services) {
    const n = ctx.preset.recordsPerMessage;
    const json = await kafkaComparison(ctx, services, { name: 'kafka_e2e_batched', encoding: 'json-array', recordsPerMessage: n });
    const arrow = await kafkaComparison(ctx, services, { name: 'kafka_e2e_batched', encoding: 'arrow', recordsPerMessage: n, workers: [1, 2] });
    // The e2e rows (one thread, then --workers 1 and 2), not the raw-consume row.
    for (const a of arrow.filter((r) => r.name === 'kafka_e2e_batched' && r.ratio !== undefined)) a.targets.push(target('≥ 1M events/s', a.eventsPerSecond >= 1_000_000));
    return [...json, ...arrow];
  },
};

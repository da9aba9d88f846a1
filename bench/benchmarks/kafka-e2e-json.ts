import { target } from '../lib/summarise.ts';
import type { Benchmark } from './benchmark.ts';
import { kafkaComparison } from './kafka-comparison.ts';

/** One JSON record per message (`citypulse publish`, keyed by subscriber) → committed windows. */
export const kafkaE2eJson: Benchmark = {
  name: 'kafka_e2e_json',
  summary: 'citypulse stream from a pre-filled topic (one JSON record per message) vs raw kafkajs consume',
  async run(ctx, services) {
    const rows = await kafkaComparison(ctx, services, { name: 'kafka_e2e_json', encoding: 'ndjson' });
    const e2e = rows[0]!;
    if (e2e.ratio !== undefined) {
      e2e.targets.push(target('≥ 0.8 × raw consume', e2e.ratio >= 0.8));
      e2e.targets.push(target('≥ 100k events/s', e2e.eventsPerSecond >= 100_000));
    }
    return rows;
  },
};

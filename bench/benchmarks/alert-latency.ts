import { repeated } from '../lib/repeat.ts';
import { summarise, target } from '../lib/summarise.ts';
import type { Benchmark } from './benchmark.ts';

/**
 * Window close → alert emitted, p50 and p99, by running the alerts work's own benchmark script
 * (test/alerts/alert-latency.bench.ts) in a child; also its Kafka and webhook delivery latencies.
 */
export const alertLatency: Benchmark = {
  name: 'alert_latency',
  summary: 'window close → crowd alert emitted (p50, p99), via test/alerts/alert-latency.bench.ts',
  async run(ctx, services) {
    const kafka = await services.kafka();
    const env = kafka.skipped ? {} : { CITYPULSE_TEST_KAFKA_BROKERS: kafka.brokers.join(',') };
    const [runs] = await repeated(ctx, [
      { label: 'alert_latency', once: () => ctx.measure('alert-latency', { subscribers: ctx.preset.alerts }, 'alert-latency', env) },
    ]);
    const r = summarise(ctx, 'alert_latency', 'emit', runs!, {
      note: `${ctx.preset.alerts.toLocaleString('en-US')} subscribers × 1 day ingested with alerts on the venues and every zone; events/s includes simulating the input inline`,
    });
    // Worst run's p99 for the target: a median of p99s would flatter it.
    const p99 = Math.max(...runs!.map((x) => x.extra.emitP99Ms ?? NaN));
    r.metrics.emitP99MsWorst = p99;
    r.targets.push(target('p99 ≤ 1 s', p99 <= 1000));
    return [r];
  },
};

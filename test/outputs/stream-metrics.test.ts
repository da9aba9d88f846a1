// The stream's Prometheus series from a hand-made status (the StreamObserver port): exact values.
import { describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { StreamStatus } from '../../src/core/stream-observer.ts';
import { createStreamMetrics } from '../../src/outputs/metrics/stream-metrics.ts';
import { createJobMetrics } from '../../src/outputs/metrics/job-metrics.ts';

const status: StreamStatus = {
  partitions: () => [
    { topic: 'sig', partition: 0, restored: true, nextOffset: 90, endOffset: 100, lag: 10 },
    { topic: 'sig', partition: 1, restored: true, nextOffset: 50, endOffset: 50, lag: 0 },
    { topic: 'sig', partition: 2, restored: false, nextOffset: -1, endOffset: null, lag: null },
  ],
  counters: () => ({ records: 1000, acceptedByKind: { tau: 600, fix: 300 }, late: 40, deadLetters: { malformed_json: 50, unknown_cell: 10 } }),
  devicesHeld: () => 321,
  eventTimeDelayMs: () => 90_500,
  publishedUntil: () => Date.UTC(2026, 2, 2, 8, 15),
  readiness: () => ({ ready: false, reason: 'restoring sig/2' }),
};

const lines = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));

describe('stream metrics', () => {
  it('reads the status at scrape time and feeds the histograms from checkpoints', async () => {
    const registry = new Registry();
    const observer = createStreamMetrics(registry, () => [
      { channel: 'kafka', delivered: 7, failed: 1, dropped: 0 },
      { channel: 'webhook', delivered: 5, failed: 2, dropped: 1 },
    ]);
    // Before the runner attaches: zeros, no lag series.
    expect(lines(await registry.metrics())).toContain('citypulse_records_read_total 0');
    observer.attach!(status);
    observer.checkpointed!({ durationMs: 30, publishedBefore: null, publishedUntil: null, publishLatencyMs: null });
    observer.checkpointed!({ durationMs: 700, publishedBefore: 1, publishedUntil: 2, publishLatencyMs: 1200, snapshots: { partitions: 2, rawBytes: 5_000_000, encodedBytes: 400_000, serialiseMs: 80 } });
    const got = lines(await registry.metrics());
    for (const want of [
      'citypulse_records_read_total 1000',
      'citypulse_records_in_total{kind="tau"} 600',
      'citypulse_records_in_total{kind="fix"} 300',
      'citypulse_late_events_total 40',
      'citypulse_dead_letters_total{reason="malformed_json"} 50',
      'citypulse_dead_letters_total{reason="unknown_cell"} 10',
      'citypulse_consumer_lag_messages{topic="sig",partition="0"} 10',
      'citypulse_consumer_lag_messages{topic="sig",partition="1"} 0',
      'citypulse_partitions_assigned 3',
      'citypulse_ready 0',
      'citypulse_devices_held 321',
      'citypulse_event_time_delay_seconds 90.5',
      `citypulse_published_until_seconds ${Date.UTC(2026, 2, 2, 8, 15) / 1000}`,
      'citypulse_checkpoint_duration_seconds_count 2',
      'citypulse_checkpoint_duration_seconds_sum 0.73',
      'citypulse_checkpoint_duration_seconds_bucket{le="0.05"} 1',
      'citypulse_checkpoint_duration_seconds_bucket{le="1"} 2',
      'citypulse_window_publish_latency_seconds_count 1',
      'citypulse_state_snapshot_bytes{form="raw"} 5000000',
      'citypulse_state_snapshot_bytes{form="encoded"} 400000',
      'citypulse_state_snapshot_serialise_seconds_count 1',
      'citypulse_state_snapshot_serialise_seconds_sum 0.08',
      'citypulse_window_publish_latency_seconds_bucket{le="1"} 0',
      'citypulse_window_publish_latency_seconds_bucket{le="2.5"} 1',
      'citypulse_alert_deliveries_total{channel="kafka"} 7',
      'citypulse_alert_deliveries_total{channel="webhook"} 5',
      'citypulse_alert_delivery_failures_total{channel="webhook"} 2',
      'citypulse_alert_deliveries_dropped_total{channel="webhook"} 1',
    ]) expect(got).toContain(want);
    // A partition whose end is unknown has no lag series (rather than a made-up 0).
    expect(got.some((l) => l.startsWith('citypulse_consumer_lag_messages{topic="sig",partition="2"}'))).toBe(false);
  });

  it('job metrics: runs by job and outcome, durations', async () => {
    const registry = new Registry();
    const on = createJobMetrics(registry);
    on({ type: 'attempt.start', job: 'export_heatmaps' });
    on({ type: 'attempt.end', job: 'export_heatmaps', status: 'succeeded', ms: 1500 });
    on({ type: 'attempt.end', job: 'export_heatmaps', status: 'failed', ms: 200 });
    on({ type: 'attempt.end', job: 'retention', status: 'succeeded', ms: 50 });
    on({ type: 'scheduler.error', job: null });
    const got = lines(await registry.metrics());
    for (const want of [
      'citypulse_job_runs_total{job="export_heatmaps",outcome="succeeded"} 1',
      'citypulse_job_runs_total{job="export_heatmaps",outcome="failed"} 1',
      'citypulse_job_runs_total{job="retention",outcome="succeeded"} 1',
      'citypulse_job_run_duration_seconds_count{job="export_heatmaps"} 2',
      'citypulse_job_run_duration_seconds_sum{job="export_heatmaps"} 1.7',
      'citypulse_job_scheduler_errors_total 1',
    ]) expect(got).toContain(want);
  });
});

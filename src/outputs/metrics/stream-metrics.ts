import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { CheckpointInfo, StreamObserver, StreamStatus } from '../../core/stream-observer.ts';
import { METRIC_PREFIX as P } from './metrics-registry.ts';

/** A source of alert delivery counters (the alerting plugin's `deliveries()`). */
export type AlertDeliverySource = () => { channel: string; delivered: number; failed: number; dropped: number }[];

/** Seconds buckets for checkpoint duration and publish latency: 5 ms … 60 s. */
const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * The stream runner's metrics, as a {@link StreamObserver}: histograms fed at each checkpoint, the rest
 * read from the runner's status at scrape time. Counters that the runner restores from its checkpoints
 * (records, late events, dead letters) are totals over the partitions this process holds: they go on
 * across restarts, and drop (a counter reset to Prometheus) when a rebalance takes partitions away.
 *
 * Series: see docs/http-api.md#metrics.
 */
export function createStreamMetrics(registry: Registry, alerts?: AlertDeliverySource): StreamObserver {
  let status: StreamStatus | null = null;
  const read = <T>(f: (s: StreamStatus) => T): T | null => (status ? f(status) : null);

  new Counter({
    name: `${P}records_read_total`,
    help: 'Records read from Kafka (every record: accepted, late or dead letter)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read((s) => s.counters().records) ?? 0);
    },
  });
  new Counter({
    name: `${P}records_in_total`,
    help: 'Records accepted into the windows, by event kind',
    labelNames: ['kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [kind, n] of Object.entries(read((s) => s.counters().acceptedByKind) ?? {})) this.inc({ kind }, n);
    },
  });
  new Counter({
    name: `${P}late_events_total`,
    help: 'Records that arrived after the watermark had passed their window',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read((s) => s.counters().late) ?? 0);
    },
  });
  new Counter({
    name: `${P}dead_letters_total`,
    help: 'Records refused, by reason',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(read((s) => s.counters().deadLetters) ?? {})) this.inc({ reason }, n);
    },
  });
  new Gauge({
    name: `${P}consumer_lag_messages`,
    help: 'Messages between the partition end (high watermark, looked up every second) and the next offset to read',
    labelNames: ['topic', 'partition'],
    registers: [registry],
    collect() {
      this.reset();
      for (const p of read((s) => s.partitions()) ?? []) if (p.lag !== null) this.set({ topic: p.topic, partition: String(p.partition) }, p.lag);
    },
  });
  new Gauge({
    name: `${P}partitions_assigned`,
    help: 'Kafka partitions assigned to this process',
    registers: [registry],
    collect() {
      this.set(read((s) => s.partitions().length) ?? 0);
    },
  });
  new Gauge({
    name: `${P}ready`,
    help: '1 when partitions are assigned and caught up (GET /readyz answers 200), else 0',
    registers: [registry],
    collect() {
      this.set(read((s) => s.readiness().ready) ? 1 : 0);
    },
  });
  new Gauge({
    name: `${P}devices_held`,
    help: 'Devices held in memory by the windowing engines',
    registers: [registry],
    collect() {
      this.set(read((s) => s.devicesHeld()) ?? 0);
    },
  });
  new Gauge({
    name: `${P}event_time_delay_seconds`,
    help: 'Wall clock minus the lowest partition watermark (event time), seconds; absent before any event',
    registers: [registry],
    collect() {
      this.reset();
      const d = read((s) => s.eventTimeDelayMs());
      if (d !== null && d !== undefined) this.set(d / 1000);
    },
  });
  new Gauge({
    name: `${P}published_until_seconds`,
    help: 'End of the windows published so far, Unix seconds; absent before the first',
    registers: [registry],
    collect() {
      this.reset();
      const u = read((s) => s.publishedUntil());
      if (u !== null && u !== undefined) this.set(u / 1000);
    },
  });
  const checkpoints = new Histogram({
    name: `${P}checkpoint_duration_seconds`,
    help: 'Checkpoint duration: results, offsets and state of the dirty partitions committed in one DuckDB transaction',
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  const publishLatency = new Histogram({
    name: `${P}window_publish_latency_seconds`,
    help: 'Window close → publish: from the checkpoint request made when windows closed to the commit that published them',
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  const snapshotBytes = new Gauge({
    name: `${P}state_snapshot_bytes`,
    help: 'State snapshots of the last checkpoint that wrote any, summed over its partitions: serialised (form="raw", held in memory while it is compressed) and as stored (form="encoded")',
    labelNames: ['form'],
    registers: [registry],
  });
  const snapshotSeconds = new Histogram({
    name: `${P}state_snapshot_serialise_seconds`,
    help: 'Time the event loop spent serialising the state snapshots of a checkpoint (records wait meanwhile)',
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  });
  const snapshotsWritten = new Counter({
    name: `${P}state_snapshots_total`,
    help: 'Partition state snapshots written by checkpoints: whole (kind="full") or incremental (kind="delta": the devices with new events since the previous snapshot, and those events)',
    labelNames: ['kind'],
    registers: [registry],
  });
  if (alerts) {
    const per = (field: 'delivered' | 'failed' | 'dropped') =>
      function (this: Counter<'channel'>) {
        this.reset();
        for (const d of alerts()) this.inc({ channel: d.channel }, d[field]);
      };
    new Counter({ name: `${P}alert_deliveries_total`, help: 'Alerts delivered, per channel (kafka, webhook, file)', labelNames: ['channel'], registers: [registry], collect: per('delivered') });
    new Counter({ name: `${P}alert_delivery_failures_total`, help: 'Failed alert deliveries per channel (Kafka send and file append failures are retried; a failed webhook gave up)', labelNames: ['channel'], registers: [registry], collect: per('failed') });
    new Counter({ name: `${P}alert_deliveries_dropped_total`, help: 'Alerts never delivered (queue full, shutdown), per channel', labelNames: ['channel'], registers: [registry], collect: per('dropped') });
  }

  return {
    attach(s) {
      status = s;
    },
    checkpointed(info: CheckpointInfo) {
      checkpoints.observe(info.durationMs / 1000);
      if (info.publishLatencyMs !== null) publishLatency.observe(info.publishLatencyMs / 1000);
      if (info.snapshots) {
        snapshotBytes.set({ form: 'raw' }, info.snapshots.rawBytes);
        snapshotBytes.set({ form: 'encoded' }, info.snapshots.encodedBytes);
        snapshotSeconds.observe(info.snapshots.serialiseMs / 1000);
        snapshotsWritten.inc({ kind: 'delta' }, info.snapshots.deltas ?? 0);
        snapshotsWritten.inc({ kind: 'full' }, info.snapshots.partitions - (info.snapshots.deltas ?? 0));
      }
    },
  };
}

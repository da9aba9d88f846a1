import type { DuckDBConnection } from '@duckdb/node-api';
import type { Alert } from '../../../schemas/alert.ts';
import type { WindowPlugin } from '../../outputs/window-plugin.ts';
import type { PresenceRow } from '../../core/presence-row.ts';
import { silentAlertLogger } from '../alert-log.ts';
import { KafkaAlertPublisher } from '../delivery/kafka-alert-publisher.ts';
import { NdjsonAlertFile } from '../delivery/ndjson-alert-file.ts';
import { WebhookDispatcher } from '../delivery/webhook-dispatcher.ts';
import { createAlertsTable } from '../duckdb/alerts-table.ts';
import { loadAreaHistory } from '../duckdb/load-area-history.ts';
import { writeAlerts } from '../duckdb/write-alerts.ts';
import { AlertEngine, type AlertEngineSnapshot } from '../engine/alert-engine.ts';
import { WEEK_MS } from '../engine/slot-baseline.ts';
import type { AlertingConfig } from './alerting-config.ts';
import { AreaIndex, type AreaWindowCounts } from './area-index.ts';
import { toAlert } from './to-alert.ts';

/** Plain-data state of the alerting plugin, stored with the source offsets. */
export interface AlertingSnapshot {
  version: 1;
  engine: AlertEngineSnapshot;
  /** Windows received but not yet evaluated (normally none: flush runs before snapshot). */
  pending: { windowStart: number; windowEnd: number; closedAt: number; devices: [string, number][] }[];
  /** Alerts emitted but not yet written to the table (normally none: flush runs before snapshot). */
  unwritten: Alert[];
  /** Alerts stored in DuckDB but not yet handed to each output (at-least-once after a restart). */
  outbox: { kafka: Alert[]; file: Alert[]; webhook: Alert[] };
  /** State of each {@link AlertSource} by name, and the closed-window frontier (absent: none). */
  sources?: { frontier: number | null; firstWindow: number | null; states: Record<string, unknown> };
}

/** One delivery channel's counters ({@link AlertingPlugin.deliveries}). */
export interface AlertDeliveryStats {
  channel: 'kafka' | 'webhook' | 'file';
  delivered: number;
  failed: number;
  dropped: number;
}

/** The alerting plugin: a {@link WindowPlugin} with its engine and counters exposed. */
export interface AlertingPlugin extends WindowPlugin {
  readonly engine: AlertEngine;
  readonly stats: { windows: number; alerts: number; rowsWritten: number };
  /**
   * Alerts handed over per delivery channel so far, and the failures (a failed Kafka send or file
   * append is retried; a failed webhook gave up; `dropped`: never delivered). For metrics.
   */
  deliveries(): AlertDeliveryStats[];
  snapshot(): AlertingSnapshot;
  restore(state: unknown): void;
  close(): Promise<void>;
}

/**
 * Crowd-density alerting as a {@link WindowPlugin} for `ingest` and `stream`:
 *
 * - `onWindowsClosed` sums devices per watched area and window, stamps `window_closed_at`, and runs
 *   the {@link AlertEngine} at once, stamping `emitted_at` (the very first windows wait for `flush`,
 *   which reads the weekly baseline from the presence table first);
 * - `flush(conn)` writes the events to the `alerts` table — inside the caller's transaction under
 *   `stream`;
 * - `afterCommit` hands the events to the NDJSON file, webhooks and Kafka (background, bounded);
 * - `snapshot`/`restore` carry the engine state and undelivered alerts, so a crash replay
 *   regenerates the same alerts and delivers each at least once.
 *
 * @example
 * const areas = await readAreasFile('areas.geojson', 9);
 * await runIngest({ ...config, plugins: [createAlerting({ areas, ndjsonPath: 'out/alerts.ndjson' })] });
 */
export function createAlerting(config: AlertingConfig): AlertingPlugin {
  const sources = config.sources ?? [];
  if (config.areas.length === 0 && sources.length === 0) throw new RangeError('alerting needs at least one watched area');
  const engine = new AlertEngine(config);
  const index = new AreaIndex(config.areas);
  const now = config.now ?? Date.now;
  const log = config.logger ?? silentAlertLogger;
  const closeTimeoutMs = config.closeTimeoutMs ?? 10_000;
  const useTable = config.table !== false;
  const file = config.ndjsonPath ? new NdjsonAlertFile(config.ndjsonPath) : null;
  const hooks = config.webhooks && config.webhooks.urls.length > 0 ? new WebhookDispatcher({ ...config.webhooks, logger: config.webhooks.logger ?? log }) : null;
  const kafka = config.kafka
    ? new KafkaAlertPublisher({ producer: config.kafka.producer, topic: config.kafka.topic, outboxLimit: config.kafka.outboxLimit, logger: log })
    : null;
  /** End of the latest closed presence window seen (what the sources may finalise up to). */
  let frontier: number | null = null;
  /** Start of the first closed presence window of the run (sources start there, not in older data). */
  let firstWindow: number | null = null;
  const seed = config.seedFromPresence !== false && engine.config.kinds.includes('anomaly');

  /** Windows received, not yet evaluated (only until the baseline is seeded). */
  let pending: (AreaWindowCounts & { closedAt: number })[] = [];
  /** Alerts emitted, not yet written to the table. */
  let unwritten: Alert[] = [];
  /** Alerts written (in the caller's transaction), not yet handed to the outputs. */
  let fresh: Alert[] = [];
  let backlog: AlertingSnapshot['outbox'] = { kafka: [], file: [], webhook: [] };
  let seeded = false;
  const tablesReady = new WeakSet<DuckDBConnection>();
  const stats = { windows: 0, alerts: 0, rowsWritten: 0 };
  const fileStats = { delivered: 0, failed: 0 };

  async function seedBaseline(conn: DuckDBConnection, firstWindow: number): Promise<void> {
    const weeks = engine.config.anomaly.weeks;
    const from = firstWindow - weeks * WEEK_MS;
    const rows = await loadAreaHistory(conn, config.areas, from, firstWindow);
    for (const r of rows) engine.seed(r.areaId, r.windowStart, r.devices);
    log({ type: 'baseline_seeded', areas: config.areas.length, windows: rows.length, from, to: firstWindow });
  }

  function needsSeed(): boolean {
    return seed && !seeded;
  }

  function evaluatePending(): void {
    if (pending.length === 0) return;
    const windows = pending.sort((a, b) => a.windowStart - b.windowStart);
    pending = [];
    for (const w of windows) {
      const events = engine.onWindow(w.windowStart, w.windowEnd, w.devices);
      stats.windows++;
      if (events.length === 0) continue;
      const emittedAt = now();
      for (const e of events) {
        const a = toAlert(e, { windowClosedAt: w.closedAt, emittedAt });
        unwritten.push(a);
        stats.alerts++;
        log({ type: 'alert', alert: a });
      }
    }
  }

  async function afterCommit(): Promise<void> {
    const out = fresh;
    fresh = [];
    if (kafka) {
      kafka.enqueue([...backlog.kafka, ...out]);
      backlog.kafka = [];
    }
    if (hooks) {
      hooks.enqueue([...backlog.webhook, ...out]);
      backlog.webhook = [];
    }
    if (file) {
      const lines = [...backlog.file, ...out];
      try {
        await file.append(lines);
        fileStats.delivered += lines.length;
        backlog.file = [];
      } catch (err) {
        fileStats.failed++;
        backlog.file = lines;
        log({ type: 'file_write_failed', path: file.path, pending: lines.length, error: (err as Error).message });
      }
    }
    // Give the background senders an event-loop turn: a CPU-bound ingest would otherwise starve them.
    if ((hooks?.pending ?? 0) > 0 || (kafka?.pending ?? 0) > 0) await new Promise((r) => setImmediate(r));
  }

  return {
    name: 'alerts',
    storedOutputsFirst: sources.length > 0,
    engine,
    stats,

    deliveries(): AlertDeliveryStats[] {
      const out: AlertDeliveryStats[] = [];
      if (kafka) out.push({ channel: 'kafka', delivered: kafka.stats.sent, failed: kafka.stats.failedSends, dropped: kafka.stats.dropped });
      if (hooks) out.push({ channel: 'webhook', delivered: hooks.stats.delivered, failed: hooks.stats.failed, dropped: hooks.stats.dropped });
      if (file) out.push({ channel: 'file', delivered: fileStats.delivered, failed: fileStats.failed, dropped: 0 });
      return out;
    },

    onWindowsClosed(rows: readonly PresenceRow[]): void {
      const closedAt = now();
      for (const r of rows) {
        if (frontier === null || r.windowEnd > frontier) frontier = r.windowEnd;
        if (firstWindow === null || r.windowStart < firstWindow) firstWindow = r.windowStart;
      }
      for (const w of config.areas.length > 0 ? index.count(rows) : []) {
        const same = pending.find((p) => p.windowStart === w.windowStart);
        if (same) for (const [id, d] of w.devices) same.devices.set(id, same.devices.get(id)! + d);
        else pending.push({ ...w, closedAt });
      }
      // Evaluate at once (emit latency ≈ 0) unless the baseline still has to be read in flush.
      if (!needsSeed()) evaluatePending();
    },

    async flush(conn: DuckDBConnection): Promise<void> {
      if (useTable && !tablesReady.has(conn)) {
        await createAlertsTable(conn);
        tablesReady.add(conn);
      }
      if (pending.length > 0) {
        const last = engine.lastWindowStart;
        if (needsSeed()) await seedBaseline(conn, last === null ? Math.min(...pending.map((p) => p.windowStart)) : last + 1);
        seeded = true;
        evaluatePending();
      }
      if (frontier !== null && firstWindow !== null) {
        for (const src of sources) {
          const raised = await src.evaluate(conn, { from: firstWindow, to: frontier });
          if (raised.length === 0) continue;
          const stamp = now();
          for (const r of raised) {
            // The source finalised the bin/window in this flush: it closed (for it) now.
            const a: Alert = { ...r, window_closed_at: new Date(stamp).toISOString(), emitted_at: new Date(stamp).toISOString() };
            unwritten.push(a);
            stats.alerts++;
            log({ type: 'alert', alert: a });
          }
        }
      }
      if (unwritten.length === 0) return;
      const alerts = unwritten;
      unwritten = [];
      if (useTable) stats.rowsWritten += await writeAlerts(conn, alerts);
      if (useTable && config.ledger) {
        const indices = await config.ledger.record(conn, alerts);
        for (const a of alerts) {
          const i = indices.get(`alert:${a.alert_id}#${a.seq}`);
          if (i !== undefined) a.ledger_index = i;
        }
      }
      fresh.push(...alerts);
    },

    afterCommit,

    snapshot(): AlertingSnapshot {
      return {
        version: 1,
        // The weekly history is not stored: restore reads it again from the presence table, which
        // commits with this snapshot. Keeps checkpoints small (trend windows only).
        engine: engine.snapshot({ baseline: !seed }),
        pending: pending.map((p) => ({ windowStart: p.windowStart, windowEnd: p.windowEnd, closedAt: p.closedAt, devices: [...p.devices] })),
        unwritten: [...unwritten],
        outbox: {
          kafka: kafka ? [...backlog.kafka, ...kafka.outbox, ...fresh] : [],
          file: file ? [...backlog.file, ...fresh] : [],
          webhook: hooks ? [...backlog.webhook, ...fresh] : [],
        },
        ...(sources.length > 0 ? { sources: { frontier, firstWindow, states: Object.fromEntries(sources.map((x) => [x.name, x.snapshot()])) } } : {}),
      };
    },

    restore(state: unknown): void {
      const s = state as AlertingSnapshot;
      if (s?.version !== 1) throw new RangeError(`alerts: cannot restore snapshot version ${String(s?.version)}`);
      engine.restore(s.engine);
      pending = s.pending.map((p) => ({ windowStart: p.windowStart, windowEnd: p.windowEnd, closedAt: p.closedAt, devices: new Map(p.devices) }));
      unwritten = [...(s.unwritten ?? [])];
      fresh = [];
      backlog = { kafka: [...s.outbox.kafka], file: [...s.outbox.file], webhook: [...s.outbox.webhook] };
      seeded = s.engine.baseline;
      if (s.sources) {
        frontier = s.sources.frontier;
        firstWindow = s.sources.firstWindow;
        for (const x of sources) if (x.name in s.sources.states) x.restore(s.sources.states[x.name]);
      }
    },

    async close(): Promise<void> {
      if (fresh.length > 0 || backlog.kafka.length + backlog.file.length + backlog.webhook.length > 0) await afterCommit();
      await Promise.all([hooks?.close(closeTimeoutMs), kafka?.close(closeTimeoutMs)]);
    },
  };
}

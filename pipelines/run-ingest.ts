import { withTransaction } from '../src/outputs/duckdb/with-transaction.ts';
import { randomUUID } from 'node:crypto';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { LineBatch } from '../src/ingest/sources/line-batches.ts';
import { DuckDbSink, tsValue } from '../src/outputs/duckdb/duckdb-sink.ts';
import type { WindowPlugin } from '../src/outputs/window-plugin.ts';
import type { DeviceConsumerPlugin } from '../src/window/device-window.ts';
import { IngestPipeline, type IngestPipelineConfig, type PipelineStats } from './ingest-pipeline.ts';
import type { IngestWorkers, WindowResults } from './ingest-workers.ts';

/** Configuration of {@link runIngest}. */
export interface RunIngestConfig extends Omit<IngestPipelineConfig, 'sink' | 'deviceConsumers' | 'windows'> {
  /** Connection to the DuckDB database (tables created by openDatabase). */
  connection: DuckDBConnection;
  /** Batches of lines, e.g. from `lineBatches(createReadStream(file))` or the simulator. */
  batches: AsyncIterable<LineBatch> | Iterable<LineBatch>;
  /** Name of the source, stored with dead letters and the run (file path, `stdin`, `simulator`). */
  sourceName: string;
  /** Called after every batch (progress bars). */
  onProgress?: (stats: PipelineStats, bytesRead: number) => void;
  /** Stops reading; windows still open are closed as at end of input. */
  signal?: AbortSignal;
  /** Buffered rows that trigger a write to DuckDB. Default 50,000. */
  flushEvery?: number;
  /** Consumers of closed windows (alerts, lake, exports), driven after every batch. */
  plugins?: WindowPlugin[];
  /** Per-device consumers (see `src/window/device-window.ts`); their outputs are stored by their `store`. */
  deviceConsumers?: readonly DeviceConsumerPlugin<unknown, DuckDBConnection>[];
  /**
   * Window workers (`ingest --workers N`, pipelines/ingest-workers.ts), built with the same device
   * consumers: the windows and device consumers run there, and this thread stores what they give
   * back. The caller closes them. Default none: everything on this thread.
   */
  windowWorkers?: IngestWorkers;
}

/** Unanswered messages the window workers may hold before the reading thread waits for them. */
const MAX_PENDING = 4;
/** Devices whose open state the consumers emit per step at the end of the input (each step stored before the next). */
const FINISH_DEVICES_PER_STEP = 50_000;

/** What {@link runIngest} returns. */
export interface IngestSummary {
  runId: string;
  stats: PipelineStats;
  seconds: number;
  recordsPerSecond: number;
  deviceCountPeak: number;
}

/**
 * Runs a finite line source through the {@link IngestPipeline} into DuckDB: every window closes at the
 * end of input. Records the run in `ingest_runs`.
 */
export async function runIngest(config: RunIngestConfig): Promise<IngestSummary> {
  const { connection, batches, sourceName, onProgress, signal } = config;
  const flushEvery = config.flushEvery ?? 50_000;
  const deviceConsumers = config.deviceConsumers ?? [];
  for (const p of deviceConsumers) await p.init?.(connection);
  const sink = new DuckDbSink({ connection, deviceConsumers });
  const runId = randomUUID();
  const started = Date.now();
  const plugins = config.plugins ?? [];
  const outputsFirst = plugins.some((p) => p.storedOutputsFirst);
  let closedSinceFlush = false;
  const workers = config.windowWorkers ?? null;
  const pipeline = new IngestPipeline({
    ...config,
    ...(workers ? { windows: workers } : {}),
    sink,
    onWindowsClosed: (rows) => {
      closedSinceFlush ||= rows.length > 0;
      for (const p of plugins) p.onWindowsClosed(rows);
      config.onWindowsClosed?.(rows);
    },
  });
  const flushPlugins = async () => {
    if (outputsFirst && closedSinceFlush) await sink.flush();
    closedSinceFlush = false;
    // One transaction per flush, as under `stream`: a plugin's rows and its ledger entries land together.
    await withTransaction(connection, async () => {
      for (const p of plugins) await p.flush(connection);
    });
    for (const p of plugins) await p.afterCommit?.();
  };
  await connection.run(
    `INSERT INTO ingest_runs (run_id, command, source, started_at, config) VALUES ($1, 'ingest', $2, $3, $4)`,
    [runId, sourceName, tsValue(started), JSON.stringify({ ...pipeline.config })],
  );
  // The workers' results, in order: device outputs to the sink, then the merged rows as if this
  // thread's pipeline had closed the windows (stats, sink, plugins).
  const apply = (results: WindowResults[]) => {
    for (const r of results) {
      for (const [name, rows] of r.outputs) sink.deviceOutputs(name, rows);
      pipeline.deliver(r.rows);
    }
  };
  const t0 = performance.now();
  let peak = 0;
  let n = 0;
  for await (const batch of batches) {
    const lines = batch.lines;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.length === 0 || /^\s*$/.test(line)) continue;
      pipeline.processPayload(line, sourceName, `line ${batch.firstLine + i}`);
      if ((++n & 1023) === 0) pipeline.advance();
    }
    pipeline.advance();
    if (workers) {
      workers.flushEvents();
      apply(await workers.take(MAX_PENDING));
    }
    if ((n & 0xffff) < lines.length) pipeline.tick();
    if (pipeline.deviceCount > peak) peak = pipeline.deviceCount;
    if (sink.buffered >= flushEvery) await sink.flush();
    if (plugins.length > 0) await flushPlugins();
    onProgress?.(pipeline.stats, batch.bytesRead);
    if (signal?.aborted) break;
  }
  if (workers) {
    pipeline.finish();
    apply(await workers.take(0));
  } else {
    // The last windows one at a time, then what the device consumers still hold (a million open
    // stays at a million devices) in parts, each stored before the next is built: the end of a run
    // is where its memory peaked when it came as one array.
    while (pipeline.finishOneWindow()) await sink.flush();
    await sink.flush();
    pipeline.releaseInputState();
    while (!pipeline.finishConsumers(FINISH_DEVICES_PER_STEP)) await sink.flush();
  }
  await sink.flush();
  await flushPlugins();
  for (const p of plugins) await p.close?.();
  const seconds = (performance.now() - t0) / 1000;
  const s = pipeline.stats;
  const dead = Object.values(s.deadLetters).reduce((a, b) => a + b, 0);
  await connection.run(
    `UPDATE ingest_runs SET finished_at = $2, records_in = $3, accepted = $4, dead_letters = $5, late_events = $6, windows = $7 WHERE run_id = $1`,
    [runId, tsValue(Date.now()), s.records, s.accepted, dead, s.late, s.windowsClosed],
  );
  return { runId, stats: s, seconds, recordsPerSecond: s.records / Math.max(seconds, 1e-9), deviceCountPeak: peak };
}

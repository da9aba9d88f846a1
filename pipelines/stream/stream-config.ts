import type { DuckDBConnection } from '@duckdb/node-api';
import { systemClock, type Clock } from '../../src/core/clock.ts';
import type { StreamObserver } from '../../src/core/stream-observer.ts';
import type { CellTable } from '../../src/locate/cell-table.ts';
import type { WindowPlugin } from '../../src/outputs/window-plugin.ts';
import type { CheckpointMirror } from '../../src/outputs/checkpoint-mirror.ts';
import type { Pseudonymiser } from '../../src/privacy/pseudonymiser.ts';
import type { DeviceConsumerPlugin } from '../../src/window/device-window.ts';
import type { WindowConfig } from '../../src/window/window-config.ts';
import type { PartitionWorkersConfig } from './partition-workers.ts';

/** What `runStream` reports. */
export interface StreamProgress {
  messages: number;
  records: number;
  accepted: number;
  deadLetters: number;
  late: number;
  partitions: number;
  publishedUntil: number | null;
  checkpoints: number;
}

/** Configuration of `runStream`. Window fields default as in `ingest`; every other default is in {@link STREAM_DEFAULTS}. */
export interface StreamConfig extends Partial<WindowConfig> {
  brokers: string[];
  topics: string[];
  /** Consumer group; also names the checkpoints in DuckDB. */
  groupId: string;
  cells: CellTable;
  pseudonymiser: Pseudonymiser;
  /** DuckDB connection of this process's database file. */
  connection: DuckDBConnection;
  /**
   * End the run once every assigned partition is caught up and nothing arrived for this long (ms),
   * treating that as the end of input: all windows close. Default: run until `signal` aborts.
   */
  exitWhenIdleMs?: number;
  /** A partition silent this long (processing time) stops holding publication back. Default 30 s. */
  partitionIdleMs?: number;
  /** Longest time between checkpoints while messages flow (ms). Default 5,000. */
  checkpointIntervalMs?: number;
  /**
   * While a partition is catching up on a backlog (its log already holds messages past the batch
   * just processed), least time (ms) between checkpoints that closed windows ask for. Caught up, a
   * closed window is checkpointed — published, alerts evaluated — at once. Default 1,000.
   */
  catchUpCheckpointMs?: number;
  /**
   * Least time (ms) between two snapshots of a partition's window state. Checkpoints in between
   * store results and offsets only, and a restart replays the messages since the last snapshot with
   * their outputs dropped. Default 0: a snapshot with every checkpoint while snapshots are cheap,
   * then as often as keeps their cost to about a tenth of the time (see `Checkpointer`).
   */
  snapshotIntervalMs?: number;
  /**
   * Incremental checkpoints: between full snapshots, store only what changed in a partition since its
   * previous snapshot (the devices with new events, and those events). Default true.
   */
  incrementalSnapshots?: boolean;
  /** Dead-letter topic: original bytes, reason and source in headers. Default `citypulse-dead-letters`; null disables. */
  deadLetterTopic?: string | null;
  /** Share window state through a compacted topic so a partition can move between processes. Default true. */
  handoff?: boolean;
  plugins?: WindowPlugin[];
  /**
   * Per-device consumers (see `src/window/device-window.ts`): one instance per partition; outputs are
   * stored by their `store` inside the checkpoint transaction, state travels in the partition snapshot.
   */
  deviceConsumers?: readonly DeviceConsumerPlugin<unknown, DuckDBConnection>[];
  /**
   * What the topics carry: `records` (signalling/location JSON or Arrow, the default) or `located`
   * (envelopes of the repartition stage: already validated, pseudonymised and located).
   */
  input?: 'records' | 'located';
  /**
   * With `input: 'located'`: the upstream input partitions (`topic/partition`). Each partition's
   * watermark is the minimum over these sources (a source silent for `partitionIdleMs` stops holding
   * it), because a repartitioned partition interleaves events from all of them.
   */
  sourcePartitions?: string[];
  /** With `exitWhenIdleMs`: also wait until this upstream stage (repartition) has caught up. */
  upstreamCaughtUp?: () => Promise<boolean>;
  /**
   * A second store kept exactly-once with the DuckDB checkpoints (`--postgres`,
   * src/outputs/postgres/): initialised and caught up before consuming, closed at the end. Default none.
   */
  mirror?: CheckpointMirror;
  /** Processing time: checkpoint intervals, idleness, waits. Default the system clock. */
  clock?: Clock;
  /** Wall clock for timestamp plausibility. Default `clock.now`. */
  now?: () => number;
  signal?: AbortSignal;
  /** Progress after each checkpoint. */
  onCheckpoint?: (info: StreamProgress) => void;
  /** Diagnostics (rebalances, restores). */
  log?: (message: string) => void;
  /**
   * Watches the run (metrics, the live HTTP server): gets the status at start and every committed
   * checkpoint. With one, the runner also looks up the partitions' ends every `endOffsetsEveryMs`.
   */
  observer?: StreamObserver;
  /** Readiness: a partition lagging by at most this many messages is caught up. Default 1,000. */
  readyMaxLag?: number;
  /**
   * `--workers N`: run the partitions' pipelines on N worker threads (each owning whole partitions),
   * keeping Kafka, checkpoints and the one DuckDB writer on this thread. `records` input only. The
   * workers rebuild `cells`, `pseudonymiser` and `deviceConsumers` from this plain description, which
   * must match them. Default none: every pipeline on this thread.
   */
  workers?: Omit<PartitionWorkersConfig, 'deadLetters' | 'devicePassDelayMs'>;
}

/** Every default of the stream runner, in one place. */
export const STREAM_DEFAULTS = {
  partitionIdleMs: 30_000,
  checkpointIntervalMs: 5_000,
  catchUpCheckpointMs: 1_000,
  snapshotIntervalMs: 0,
  incrementalSnapshots: true,
  /** A snapshot of a large state waits this many times its cost after the previous one. */
  snapshotCostFactor: 10,
  deadLetterTopic: 'citypulse-dead-letters',
  handoff: true,
  input: 'records',
  /** How often the supervisor looks at checkpoints, idleness and the end of input. */
  superviseEveryMs: 250,
  /** How often the partitions' ends are looked up while an observer watches (lag, readiness). */
  endOffsetsEveryMs: 1_000,
  readyMaxLag: 1_000,
  /** Longest wait for the "caught up?" question at the end of input. */
  caughtUpTimeoutMs: 10_000,
  /** Messages between watermark advances and heartbeats inside a batch. */
  advanceEvery: 1024,
  /**
   * Event time a closed window's device pass (stays, trips, home/work, traffic) waits after its
   * presence rows, so that every partition publishes the window's presence — and its alerts — before
   * the slower per-device work runs (see `PresenceEngineConfig.devicePassDelayMs`).
   */
  devicePassDelayMs: 60_000,
  consumer: { sessionTimeout: 30_000, heartbeatInterval: 3_000, maxBytesPerPartition: 4 << 20, retry: { retries: 50, initialRetryTime: 300, maxRetryTime: 5_000 } },
  /** Bounds of the shutdown steps (a client stuck reconnecting never hangs the exit). */
  shutdown: { consumerMs: 15_000, otherMs: 10_000 },
} as const;

/** {@link StreamConfig} with every default applied: resolved once, read everywhere. */
export interface ResolvedStreamConfig extends Omit<StreamConfig, 'partitionIdleMs' | 'checkpointIntervalMs' | 'catchUpCheckpointMs' | 'snapshotIntervalMs' | 'incrementalSnapshots' | 'deadLetterTopic' | 'handoff' | 'plugins' | 'deviceConsumers' | 'input' | 'clock' | 'now' | 'log'> {
  partitionIdleMs: number;
  checkpointIntervalMs: number;
  catchUpCheckpointMs: number;
  snapshotIntervalMs: number;
  incrementalSnapshots: boolean;
  deadLetterTopic: string | null;
  handoff: boolean;
  plugins: WindowPlugin[];
  deviceConsumers: readonly DeviceConsumerPlugin<unknown, DuckDBConnection>[];
  input: 'records' | 'located';
  clock: Clock;
  now: () => number;
  log: (message: string) => void;
}

/** Applies {@link STREAM_DEFAULTS}. */
export function resolveStreamConfig(c: StreamConfig): ResolvedStreamConfig {
  const clock = c.clock ?? systemClock;
  if (c.workers && (c.input ?? STREAM_DEFAULTS.input) !== 'records') throw new RangeError('stream workers take records input only (not the located topic of --repartition)');
  return {
    ...c,
    partitionIdleMs: c.partitionIdleMs ?? STREAM_DEFAULTS.partitionIdleMs,
    checkpointIntervalMs: c.checkpointIntervalMs ?? STREAM_DEFAULTS.checkpointIntervalMs,
    catchUpCheckpointMs: c.catchUpCheckpointMs ?? STREAM_DEFAULTS.catchUpCheckpointMs,
    snapshotIntervalMs: c.snapshotIntervalMs ?? STREAM_DEFAULTS.snapshotIntervalMs,
    incrementalSnapshots: c.incrementalSnapshots ?? STREAM_DEFAULTS.incrementalSnapshots,
    deadLetterTopic: c.deadLetterTopic === undefined ? STREAM_DEFAULTS.deadLetterTopic : c.deadLetterTopic,
    handoff: c.handoff ?? STREAM_DEFAULTS.handoff,
    plugins: c.plugins ?? [],
    deviceConsumers: c.deviceConsumers ?? [],
    input: c.input ?? STREAM_DEFAULTS.input,
    clock,
    now: c.now ?? (() => clock.now()),
    log: c.log ?? (() => {}),
  };
}

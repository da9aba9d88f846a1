/**
 * The device-level seam of the window stage.
 *
 * When a window closes, the presence engine hands every device it held in that window — present
 * somewhere, or with at least one event in it — to the pipeline's {@link DeviceConsumer}s as one
 * {@link DeviceWindow}. Consumers are pure code over plain data (stays → trips → OD, home/work,
 * traffic); they run in `ingest` and `stream` alike, and their state is checkpointed with the window
 * state (exactly-once across `kill -9`, carried through the changelog when a partition moves).
 */

/** One located event of a device inside a window. */
export interface DeviceEvent {
  /** Event time, epoch ms. */
  ts: number;
  /** H3 cell at the base resolution (hex string). */
  h3: string;
  /** Signalling kind (`attach`, `tau`, `handover`, …, `detach`) or `fix` for a location fix. */
  kind: string;
}

/** What the engine knows of one device in one closed window `[windowStart, windowEnd)`. */
export interface DeviceWindow {
  device: string;
  windowStart: number;
  windowEnd: number;
  /** The cell the device is counted `present` in (longest dwell, ties to the latest hold end), or null. */
  dominant: string | null;
  /** Dwell (ms) per cell inside the window, in first-hold order; empty when it held nowhere. */
  dwell: readonly (readonly [h3: string, ms: number])[];
  /** The device's located events with `ts` in the window, in event-time order (arrival among equal ts). */
  events: readonly DeviceEvent[];
}

/**
 * A per-device consumer of closed windows. One instance lives per pipeline (per Kafka partition under
 * `stream`), so it only ever sees the devices of its partition.
 *
 * Outputs are plain records returned to the pipeline, which hands them to its sink under the
 * consumer's {@link name}; under `stream` they commit in the same DuckDB transaction as the offsets
 * and the consumer's {@link snapshot}.
 */
export interface DeviceConsumer<Out = unknown> {
  /** Short stable name: keys its state in checkpoints and its outputs in the sink (`stays`, `presence-check`). */
  readonly name: string;
  /** Called once per closed window, windows in order, with every device of that window (any order). */
  onWindow(windowStart: number, windowEnd: number, devices: readonly DeviceWindow[]): readonly Out[];
  /** End of a finite input (after the last window closed): emit what is still open. */
  finish?(): readonly Out[];
  /** Plain-data state for checkpoints (JSON-serialisable). */
  snapshot(): unknown;
  /** Replaces the state with a {@link snapshot}. */
  restore(state: unknown): void;
}

/** Makes a fresh consumer: a pipeline (one per partition) calls it once. */
export type DeviceConsumerFactory = () => DeviceConsumer;

/**
 * The device-level seam of the window stage.
 *
 * When a window closes, the presence engine hands every device it held in that window — present
 * somewhere, or with at least one event in it — to the pipeline's {@link DeviceConsumer}s as one
 * {@link DeviceWindow}. Consumers are pure code over plain data (stays → trips → OD, home/work,
 * traffic); they run in `ingest` and `stream` alike, and their state is checkpointed with the window
 * state (exactly-once across `kill -9`, carried through the changelog when a partition moves).
 *
 * How a capability plugs in (stays/trips/OD, home/work, traffic):
 *
 * ```ts
 * const stays: DeviceConsumerPlugin<Stay, DuckDBConnection> = {
 *   name: 'stays',
 *   create: () => new StayDetector(cfg),           // pure, one per pipeline (per partition)
 *   init: (conn) => conn.run(CREATE_STAYS_SQL),      // its own tables, created when missing
 *   store: (conn, rows) => appendStays(conn, rows),  // its outputs, in its own tables
 * };
 * await runIngest({ ..., deviceConsumers: [stays] });   // or runStream({ ..., deviceConsumers: [stays] })
 * ```
 *
 * - `ingest` (`runIngest`): outputs are buffered by the DuckDB sink and stored with the presence rows.
 * - `stream` (`runStream`): outputs are buffered per partition and stored inside the checkpoint
 *   transaction, with the offsets and the pipeline snapshot — which holds each consumer's
 *   {@link DeviceConsumer.snapshot} — so outputs and state are exactly-once across `kill -9` and travel
 *   through the state changelog when a partition moves.
 * - Other workers (a future worker pool, a PostgreSQL sink) use the same plugin with their own `Conn`.
 *
 * With no consumer registered the engine builds no {@link DeviceWindow} at all (no cost).
 *
 * Device ids are pseudonymous (the pseudonymiser ran before windows): never raw IMSIs.
 */

/** One located event of a device inside a window. */
export interface DeviceEvent {
  /** Event time, epoch ms. */
  ts: number;
  /** H3 cell at the base resolution (hex string). */
  h3: string;
  /** Signalling kind (`attach`, `tau`, `handover`, …, `detach`) or `fix` for a location fix. */
  kind: string;
  /** Finer position (H3 res 11): the serving sector's centre, or the fix itself (`LocatedEvent.at`); absent for omni cells. */
  at?: string;
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
  /** Mobile Country Code of the device (non-identifying, from its IMSI before pseudonymisation), when known. */
  mcc?: string;
}

/** What every {@link DeviceConsumer} has: a name, its state, and what it emits at the end of input. */
interface DeviceConsumerBase<Out> {
  /** Short stable name: keys its state in checkpoints and its outputs in the sink (`stays`, `presence-check`). */
  readonly name: string;
  /** End of a finite input (after the last window closed): emit what is still open. */
  finish?(): readonly Out[];
  /**
   * {@link finish} in parts: emits what is still open for at most `maxDevices` devices and forgets
   * them; `done` once nothing is left. Lets a pipeline store the open stays of a million devices in
   * bounded steps instead of one array of a million rows (optional: without it `finish` runs once).
   */
  finishSome?(maxDevices: number): { out: readonly Out[]; done: boolean };
  /**
   * Plain-data state for checkpoints (what `v8.serialize` carries: JSON-like data and typed arrays).
   * It may share objects with the live state: the pipeline encodes it at once, before the consumer
   * sees another window.
   */
  snapshot(): unknown;
  /** Replaces the state with a {@link snapshot}. */
  restore(state: unknown): void;
}

/**
 * A consumer that takes a closed window whole: every device of the window in one array. Simple, and
 * fine for small inputs and tests; the pipeline then keeps the window's {@link DeviceWindow}s alive
 * until it has them all.
 */
export interface WindowDeviceConsumer<Out = unknown> extends DeviceConsumerBase<Out> {
  /** Called once per closed window, windows in order, with every device of that window (any order). */
  onWindow(windowStart: number, windowEnd: number, devices: readonly DeviceWindow[]): readonly Out[];
}

/**
 * A consumer that takes a closed window one device at a time, as the engine builds each
 * {@link DeviceWindow}: the object is dropped as soon as every consumer has seen it, so at a million
 * devices a window close allocates only short-lived garbage (the young generation's, collected
 * cheaply) instead of a million objects kept until the last device (promoted to the old generation
 * and marked by full collections). The production consumers (stays/trips, population, traffic) are of
 * this kind.
 */
export interface StreamingDeviceConsumer<Out = unknown> extends DeviceConsumerBase<Out> {
  /** A window `[windowStart, windowEnd)` starts closing (windows in order). */
  openWindow(windowStart: number, windowEnd: number): void;
  /** One device of the window being closed (any order). Keep what you need of it, not the object's arrays. */
  onDevice(device: DeviceWindow): void;
  /** The window has closed (every device seen): its outputs. */
  closeWindow(): readonly Out[];
}

/**
 * A per-device consumer of closed windows, whole ({@link WindowDeviceConsumer}) or device by device
 * ({@link StreamingDeviceConsumer}). One instance lives per pipeline (per Kafka partition under
 * `stream`), so it only ever sees the devices of its partition.
 *
 * Outputs are plain records returned to the pipeline, which hands them to its sink under the
 * consumer's name; under `stream` they commit in the same DuckDB transaction as the offsets and the
 * consumer's snapshot.
 */
export type DeviceConsumer<Out = unknown> = WindowDeviceConsumer<Out> | StreamingDeviceConsumer<Out>;

/** True for a consumer that takes windows device by device. */
export function isStreamingConsumer<Out>(c: DeviceConsumer<Out>): c is StreamingDeviceConsumer<Out> {
  return typeof (c as StreamingDeviceConsumer<Out>).onDevice === 'function';
}

/** Feeds one closed window, whole, to a consumer of either kind; returns its outputs (tests, batch recomputes). */
export function feedWindow<Out>(c: DeviceConsumer<Out>, windowStart: number, windowEnd: number, devices: readonly DeviceWindow[]): readonly Out[] {
  if (!isStreamingConsumer(c)) return c.onWindow(windowStart, windowEnd, devices);
  c.openWindow(windowStart, windowEnd);
  for (const d of devices) c.onDevice(d);
  return c.closeWindow();
}

/** Makes a fresh consumer: a pipeline (one per partition) calls it once. */
export type DeviceConsumerFactory<Out = unknown> = () => DeviceConsumer<Out>;

/**
 * A device consumer as registered with a pipeline (`IngestPipeline`, `runIngest`, `runStream`): its
 * factory plus an optional adapter that stores its outputs. `Conn` is the store's connection type
 * (`DuckDBConnection` in `ingest` and `stream`); the window layer never touches it.
 */
export interface DeviceConsumerPlugin<Out = unknown, Conn = unknown> {
  /**
   * Short stable name, unique per pipeline: keys the consumer's outputs in the sink and its state in
   * the pipeline snapshot. Should equal the consumer's own {@link DeviceConsumer.name}.
   */
  readonly name: string;
  /** Makes the consumer (called once per pipeline: once in `ingest`, once per partition in `stream`). */
  create: DeviceConsumerFactory<Out>;
  /** Creates the consumer's tables when missing (idempotent); called once before the first {@link store}. */
  init?(conn: Conn): Promise<void>;
  /**
   * Writes a batch of outputs (in emission order). Under `stream` this runs inside the checkpoint
   * transaction: do not BEGIN/COMMIT here. Without `store`, outputs are counted and dropped.
   */
  store?(conn: Conn, rows: readonly Out[]): Promise<void>;
}

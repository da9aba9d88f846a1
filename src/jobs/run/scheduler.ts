import { planRuns, type SkippedSlots } from '../schedule/plan-runs.ts';
import { systemClock, type Clock } from '../../core/clock.ts';
import type { JobLogger } from './job-event.ts';
import { SETTLED_STATUSES, type JobRunStatus, type RunTrigger } from './job-run.ts';
import type { JobStore } from './job-store.ts';
import { runSlot, type RunOutcome } from './run-slot.ts';
import type { ScheduledJob } from './scheduled-job.ts';

/** Configuration of a {@link Scheduler}. */
export interface SchedulerConfig {
  jobs: readonly ScheduledJob[];
  store: JobStore;
  /** Identifies this process in `job_locks` and `job_runs` (e.g. `host:pid:nonce`). */
  owner: string;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: drops events. */
  log?: JobLogger;
}

type Slot = { slot: number; trigger: RunTrigger };

/**
 * Runs jobs on their schedules with these guarantees:
 * - a job never overlaps itself: within the process a job with a run queued or in progress takes no
 *   new trigger, and across processes the store's lock decides (see `JobStore.acquire`);
 * - the process does one thing at a time — a job attempt or a store operation — in order: DuckDB
 *   admits one writer process, and inside one process it would let two instances of a file coexist;
 * - on each {@link poll}, slots missed since the last settled run are caught up or skipped per job policy;
 * - failed attempts are retried with exponential backoff; every attempt lands in the store;
 * - {@link stop} lets the attempt in hand finish; {@link abort} aborts its signal.
 *
 * The scheduler has no timer of its own: something calls {@link poll} (node-cron once a minute in
 * `citypulse jobs start`; tests call it after moving a fake clock). It reads the last settled slot of
 * each job from the store once and then keeps it up to date from its own runs; a slot another process
 * settled meanwhile is found settled when its lock is taken, and not run again.
 */
export class Scheduler {
  readonly #jobs: Map<string, ScheduledJob>;
  readonly #store: JobStore;
  readonly #owner: string;
  readonly #clock: Clock;
  readonly #log: JobLogger;
  readonly #startedAt: number;
  readonly #stop = new AbortController();
  readonly #abort = new AbortController();
  readonly #inFlight = new Map<string, Promise<RunOutcome[]>>();
  #queue: Promise<unknown> = Promise.resolve();
  #settled: Map<string, number> | null = null;

  constructor(config: SchedulerConfig) {
    this.#jobs = new Map(config.jobs.map((j) => [j.name, j]));
    this.#store = config.store;
    this.#owner = config.owner;
    this.#clock = config.clock ?? systemClock;
    this.#log = config.log ?? (() => {});
    this.#startedAt = this.#clock.now();
  }

  /** The jobs this scheduler runs. */
  get jobs(): readonly ScheduledJob[] {
    return [...this.#jobs.values()];
  }

  /** True once {@link stop} was called. */
  get stopping(): boolean {
    return this.#stop.signal.aborted;
  }

  /**
   * Finds each job's due slots — after its last settled run, or after this scheduler started when it
   * never ran — applies the job's catch-up policy, and queues the skipped slots' record and the runs.
   * Resolves when what it queued has finished. Store errors are logged, not thrown.
   */
  async poll(): Promise<void> {
    if (this.stopping) return;
    if (!this.#settled) {
      try {
        this.#settled ??= await this.#exclusive(() => this.#store.lastSettled());
      } catch (err) {
        this.#log({ type: 'scheduler.error', job: null, error: (err as Error).message });
        return;
      }
    }
    const now = this.#clock.now();
    const queued: Promise<unknown>[] = [];
    for (const job of this.#jobs.values()) {
      if (this.#inFlight.has(job.name)) continue;
      const plan = planRuns({ ...job, sinceMs: this.#settled.get(job.name) ?? this.#startedAt, nowMs: now });
      if (plan.run.length === 0 && !plan.skipped) continue;
      const slots = plan.run.map((slot): Slot => ({ slot, trigger: now - slot > job.graceMs ? 'catch_up' : 'schedule' }));
      queued.push(this.#enqueue(job, slots, plan.skipped));
    }
    await Promise.all(queued);
  }

  /**
   * Runs `name` for the slot `scheduledFor` now (`citypulse jobs run`). A manual trigger re-runs a
   * settled slot. Resolves to `overlap` without running when the job is already queued or running here.
   */
  async trigger(name: string, scheduledFor: number, trigger: RunTrigger = 'manual'): Promise<RunOutcome> {
    const job = this.#jobs.get(name);
    if (!job) throw new RangeError(`unknown job "${name}" (known: ${[...this.#jobs.keys()].join(', ')})`);
    const [outcome] = await this.#enqueue(job, [{ slot: scheduledFor, trigger }], null);
    return outcome ?? { status: 'aborted', attempts: 0, rows: null, error: 'the scheduler is stopping' };
  }

  /** Stops taking work and waits for the attempt in hand to finish (it is not aborted). */
  async stop(): Promise<void> {
    this.#stop.abort(new Error('scheduler stopping'));
    await Promise.allSettled(this.#inFlight.values());
  }

  /** Aborts the running attempt's signal (a second SIGTERM), then waits like {@link stop}. */
  async abort(reason: unknown = new Error('scheduler aborted')): Promise<void> {
    this.#abort.abort(reason);
    await this.stop();
  }

  /** Runs `fn` after everything queued before it. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const work = this.#queue.then(fn);
    this.#queue = work.catch(() => {});
    return work;
  }

  #enqueue(job: ScheduledJob, slots: Slot[], skipped: SkippedSlots | null): Promise<RunOutcome[]> {
    if (this.#inFlight.has(job.name)) {
      for (const { slot } of slots) this.#log({ type: 'slot.overlap', job: job.name, scheduledFor: slot });
      return Promise.resolve(slots.map(() => ({ status: 'overlap', attempts: 0, rows: null, error: null })));
    }
    const tracked = this.#exclusive(() => this.#runSlots(job, slots, skipped)).finally(() => this.#inFlight.delete(job.name));
    this.#inFlight.set(job.name, tracked);
    return tracked;
  }

  async #runSlots(job: ScheduledJob, slots: Slot[], skipped: SkippedSlots | null): Promise<RunOutcome[]> {
    const outcomes: RunOutcome[] = [];
    try {
      if (skipped) await this.#recordSkipped(job, skipped);
      for (const { slot, trigger } of slots) {
        if (this.stopping) break;
        const outcome = await runSlot({
          job, scheduledFor: slot, trigger, store: this.#store, clock: this.#clock, owner: this.#owner,
          stopSignal: this.#stop.signal, abortSignal: this.#abort.signal, log: this.#log,
        });
        outcomes.push(outcome);
        if (outcome.status === 'settled' || SETTLED_STATUSES.includes(outcome.status as JobRunStatus)) this.#markSettled(job.name, slot);
        // Another process holds the job: it is working through the same backlog.
        if (outcome.status === 'held') break;
      }
    } catch (err) {
      // The store failed (e.g. the database is held by another writer): the slots stay due for the next poll.
      const error = (err as Error).message;
      this.#log({ type: 'scheduler.error', job: job.name, error });
      outcomes.push({ status: 'unavailable', attempts: 0, rows: null, error });
    }
    return outcomes;
  }

  async #recordSkipped(job: ScheduledJob, { count, firstMs, lastMs }: SkippedSlots): Promise<void> {
    const now = this.#clock.now();
    await this.#store.insert({
      job: job.name, scheduledFor: lastMs, attempt: 0, status: 'skipped', trigger: 'schedule', owner: this.#owner,
      started: now, finished: now, rows: null, error: null,
      detail: JSON.stringify({ policy: job.policy, count, first: new Date(firstMs).toISOString(), last: new Date(lastMs).toISOString() }),
    });
    this.#markSettled(job.name, lastMs);
    this.#log({ type: 'slots.skipped', job: job.name, count, firstMs, lastMs });
  }

  #markSettled(job: string, slot: number): void {
    if (!this.#settled) return;
    this.#settled.set(job, Math.max(this.#settled.get(job) ?? -Infinity, slot));
  }
}

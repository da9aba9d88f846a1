import type { FrontierInput } from '../../src/window/publish-frontier.ts';
import type { IngestPipeline } from '../ingest-pipeline.ts';
import { partitionKey, type PartitionState } from './partition-state.ts';
import type { RemotePipeline } from './partition-workers.ts';

/** Totals over the live partitions, for progress reports. */
export interface PartitionTotals {
  messages: number;
  records: number;
  accepted: number;
  deadLetters: number;
  late: number;
}

/**
 * The stream runner's partitions: which are assigned to this process, and the live state of each,
 * restored on first use (once, even when a rebalance and a batch ask at the same time). Pure
 * bookkeeping over an injected `restore`; no Kafka.
 */
export class PartitionTable<P extends IngestPipeline | RemotePipeline = IngestPipeline | RemotePipeline> {
  readonly #restore: (topic: string, partition: number) => Promise<PartitionState<P>>;
  readonly #parts = new Map<string, PartitionState<P>>();
  readonly #restoring = new Map<string, Promise<PartitionState<P>>>();
  #assigned = new Set<string>();
  /** Processing time each assigned partition was assigned at. */
  readonly #assignedAt = new Map<string, number>();

  constructor(restore: (topic: string, partition: number) => Promise<PartitionState<P>>) {
    this.#restore = restore;
  }

  /** `topic/partition` keys assigned to this process. */
  get assigned(): ReadonlySet<string> {
    return this.#assigned;
  }

  /** The live state of an assigned, restored partition. */
  get(k: string): PartitionState<P> | undefined {
    return this.#parts.get(k);
  }

  /** Live partitions. */
  values(): IterableIterator<PartitionState<P>> {
    return this.#parts.values();
  }

  /** When the group last handed this process an assignment (a rebalance), -Infinity before any. */
  get lastAssignmentAt(): number {
    return this.#lastAssignment;
  }

  #lastAssignment = -Infinity;

  /**
   * Takes a new assignment. Revoked partitions are forgotten (in-memory work since their last
   * checkpoint is dropped: the next owner resumes there). Returns the revoked keys.
   */
  assign(next: ReadonlySet<string>, now = 0): string[] {
    this.#lastAssignment = now;
    const revoked = [...this.#assigned].filter((k) => !next.has(k));
    for (const k of revoked) {
      this.#parts.delete(k);
      this.#assignedAt.delete(k);
    }
    for (const k of next) if (!this.#assignedAt.has(k)) this.#assignedAt.set(k, now);
    this.#assigned = new Set(next);
    return revoked;
  }

  /** The partition's state, restoring it first when needed (one restore per partition at a time). */
  ensure(topic: string, partition: number): Promise<PartitionState<P>> {
    const k = partitionKey(topic, partition);
    const have = this.#parts.get(k);
    if (have) return Promise.resolve(have);
    let p = this.#restoring.get(k);
    if (!p) {
      p = this.#restore(topic, partition).then(
        (st) => {
          this.#restoring.delete(k);
          // Revoked while restoring: not kept (a later assignment restores afresh).
          if (this.#assigned.has(k)) this.#parts.set(k, st);
          return st;
        },
        (err: unknown) => {
          this.#restoring.delete(k);
          throw err;
        },
      );
      this.#restoring.set(k, p);
    }
    return p;
  }

  /** True while `st` is the live state of its partition (not revoked or replaced). */
  isLive(st: PartitionState<P>): boolean {
    return this.#parts.get(partitionKey(st.topic, st.partition)) === st;
  }

  /** Partitions with something to checkpoint (never a poisoned one, nor one still replaying). */
  dirty(): PartitionState<P>[] {
    return [...this.#parts.values()].filter((p) => !p.poisoned && p.replayUntil < 0n && (p.dirty || p.buffer.size > 0));
  }

  /**
   * Each assigned partition as the publish frontier sees it at processing time `now`. A partition is
   * idle after `idleMs` without a message — counted from its assignment while it is not restored yet,
   * so a partition still restoring holds publication back (as a tracked input holds a watermark)
   * instead of letting windows be published before it contributed.
   */
  frontierInputs(now: number, idleMs: number): FrontierInput[] {
    return [...this.#assigned].map((k) => {
      const p = this.#parts.get(k);
      const since = p ? p.lastMessageAt : (this.#assignedAt.get(k) ?? -Infinity);
      return { closedUntil: p?.pipeline.stats.closedUntil ?? null, idle: now - since >= idleMs };
    });
  }

  /** Sums of the live partitions' pipeline counters. */
  totals(): PartitionTotals {
    const t: PartitionTotals = { messages: 0, records: 0, accepted: 0, deadLetters: 0, late: 0 };
    for (const p of this.#parts.values()) {
      const s = p.pipeline.stats;
      t.messages += s.payloads;
      t.records += s.records;
      t.accepted += s.accepted;
      t.late += s.late;
      for (const n of Object.values(s.deadLetters)) t.deadLetters += n;
    }
    return t;
  }
}

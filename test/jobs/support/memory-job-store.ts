import type { AcquireResult, JobStore } from '../../../src/jobs/run/job-store.ts';
import { SETTLED_STATUSES, type JobRun } from '../../../src/jobs/run/job-run.ts';
import type { Clock } from '../../../src/core/clock.ts';

/**
 * An in-memory {@link JobStore} with the same semantics as the DuckDB one, for scheduler tests.
 * Two schedulers sharing one instance behave like two processes sharing a database.
 */
export class MemoryJobStore implements JobStore {
  readonly runs: JobRun[] = [];
  readonly locks = new Map<string, { owner: string; until: number }>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  async lastSettled(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const r of this.runs) {
      if (SETTLED_STATUSES.includes(r.status)) out.set(r.job, Math.max(out.get(r.job) ?? -Infinity, r.scheduledFor));
    }
    return out;
  }

  async acquire(run: JobRun, leaseUntil: number): Promise<AcquireResult> {
    const lock = this.locks.get(run.job);
    const now = this.#clock.now();
    if (lock && lock.owner !== run.owner && lock.until > now) return 'held';
    for (const r of this.runs) {
      if (r.job === run.job && r.status === 'running' && (r.owner === run.owner || r.owner === lock?.owner)) r.status = 'abandoned';
    }
    if (run.trigger !== 'manual' && this.runs.some((r) => r.job === run.job && r.scheduledFor === run.scheduledFor && SETTLED_STATUSES.includes(r.status))) {
      return 'settled';
    }
    this.locks.set(run.job, { owner: run.owner, until: leaseUntil });
    this.runs.push({ ...run });
    return 'acquired';
  }

  async finish(run: JobRun, release: boolean): Promise<void> {
    const i = this.runs.findIndex((r) => r.job === run.job && r.scheduledFor === run.scheduledFor && r.attempt === run.attempt && r.owner === run.owner && r.started === run.started);
    if (i >= 0) this.runs[i] = { ...run };
    if (release && this.locks.get(run.job)?.owner === run.owner) this.locks.delete(run.job);
  }

  async insert(run: JobRun): Promise<void> {
    this.runs.push({ ...run });
  }
}

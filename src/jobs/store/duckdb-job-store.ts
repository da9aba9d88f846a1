import type { DuckDBConnection } from '@duckdb/node-api';
import { systemClock, type Clock } from '../../core/clock.ts';
import { withTransaction } from '../../outputs/duckdb/with-transaction.ts';
import { SETTLED_STATUSES, type JobRun, type JobRunStatus, type RunTrigger } from '../run/job-run.ts';
import type { AcquireResult, JobStore } from '../run/job-store.ts';
import { JOB_TABLES_SQL, tsParam } from './job-tables.ts';
import { openDatabase } from '../../outputs/duckdb/open.ts';
import { isLockConflict, openWithRetry } from './open-with-retry.ts';

/** Configuration of a {@link DuckDbJobStore}. */
export interface DuckDbJobStoreConfig {
  /** The pipeline's DuckDB file; `job_runs` and `job_locks` are created in it when missing. */
  path: string;
  /** How long to wait for a database file another process holds, in ms. Default 30 000. */
  busyTimeoutMs?: number;
  /** Used for lock expiry; default the system clock. */
  clock?: Clock;
}

const SETTLED_SQL = SETTLED_STATUSES.map((s) => `'${s}'`).join(', ');

/**
 * {@link JobStore} on the pipeline's DuckDB file.
 *
 * Locking across processes: DuckDB lets one process at a time open a file read-write, so the store
 * opens the file only for each short bookkeeping step and closes it again. A lock is a `job_locks`
 * row (owner, expiry) taken in a transaction that also checks the slot is not settled and inserts the
 * `running` row; a second scheduler that opens the file in between sees the row and leaves the job
 * alone until the row is released or expires (its owner died). While a job itself holds the file,
 * other processes wait to open it (up to `busyTimeoutMs`) and retry at their next poll.
 */
export class DuckDbJobStore implements JobStore {
  readonly path: string;
  readonly #busyTimeoutMs: number;
  readonly #clock: Clock;

  constructor(config: DuckDbJobStoreConfig) {
    this.path = config.path;
    this.#busyTimeoutMs = config.busyTimeoutMs ?? 30_000;
    this.#clock = config.clock ?? systemClock;
  }

  async lastSettled(): Promise<Map<string, number>> {
    return this.#with(async (conn) => {
      const r = await conn.runAndReadAll(`SELECT job, epoch_ms(max(scheduled_for)) FROM job_runs WHERE status IN (${SETTLED_SQL}) GROUP BY job`);
      return new Map((r.getRowsJS() as [string, bigint][]).map(([job, ms]) => [job, Number(ms)]));
    });
  }

  async acquire(run: JobRun, leaseUntil: number): Promise<AcquireResult> {
    const now = this.#clock.now();
    return this.#with((conn) =>
      withTransaction(conn, async (): Promise<AcquireResult> => {
        // Both refusals come before any write, so they leave the transaction empty.
        const lock = (await conn.runAndReadAll('SELECT owner, epoch_ms(expires) FROM job_locks WHERE job = $job', { job: run.job })).getRowsJS()[0] as [string, bigint] | undefined;
        if (lock && lock[0] !== run.owner && Number(lock[1]) > now) return 'held';
        if (run.trigger !== 'manual') {
          const settled = await conn.runAndReadAll(
            `SELECT count(*) FROM job_runs WHERE job = $job AND scheduled_for = ${tsParam('slot')} AND status IN (${SETTLED_SQL})`,
            { job: run.job, slot: run.scheduledFor },
          );
          if (Number(settled.getRowsJS()[0]![0]) > 0) return 'settled';
        }
        // Rows still `running` under a lock that expired, or under our own (a bookkeeping step of ours
        // failed after the attempt), belong to no live attempt. (`abandoned` is not a settled status,
        // so marking them does not change the check above.)
        await conn.run(
          `UPDATE job_runs SET status = 'abandoned', finished = ${tsParam('now')} WHERE job = $job AND status = 'running' AND owner IN ($me, $previous)`,
          { job: run.job, me: run.owner, previous: lock?.[0] ?? run.owner, now },
        );
        await conn.run(
          `INSERT INTO job_locks VALUES ($job, $owner, ${tsParam('now')}, ${tsParam('until')})
           ON CONFLICT (job) DO UPDATE SET owner = excluded.owner, acquired = excluded.acquired, expires = excluded.expires`,
          { job: run.job, owner: run.owner, now, until: leaseUntil },
        );
        await insertRun(conn, run);
        return 'acquired';
      }),
    );
  }

  async finish(run: JobRun, release: boolean): Promise<void> {
    await this.#with((conn) =>
      withTransaction(conn, async () => {
        await conn.run(
          `UPDATE job_runs SET status = $status, finished = ${run.finished === null ? 'NULL' : tsParam('finished')},
                  rows = $rows::BIGINT, error = $error::VARCHAR, detail = $detail::VARCHAR
           WHERE job = $job AND scheduled_for = ${tsParam('slot')} AND attempt = $attempt AND owner = $owner AND started = ${tsParam('started')}`,
          {
            status: run.status, ...(run.finished === null ? {} : { finished: run.finished }), rows: run.rows, error: run.error,
            detail: run.detail, job: run.job, slot: run.scheduledFor, attempt: run.attempt, owner: run.owner, started: run.started,
          },
        );
        if (release) await conn.run('DELETE FROM job_locks WHERE job = $job AND owner = $owner', { job: run.job, owner: run.owner });
      }),
    );
  }

  async insert(run: JobRun): Promise<void> {
    await this.#with((conn) => insertRun(conn, run));
  }

  /**
   * The newest row per job (by start), for `citypulse jobs list`. Empty when the tables do not exist.
   * Reads without waiting: the file is opened read-only once, and `null` comes back when another
   * process holds it (a reader needs no lock of its own, so waiting `busyTimeoutMs` would only stall).
   */
  async latestRuns(): Promise<Map<string, JobRun> | null> {
    let db;
    try {
      db = await openDatabase(this.path, { h3: false, createSchema: false, readOnly: true });
    } catch (err) {
      if (isLockConflict(err)) return null;
      throw err;
    }
    try {
      const conn = db.connection;
      const exists = await conn.runAndReadAll(`SELECT count(*) FROM duckdb_tables() WHERE table_name = 'job_runs'`);
      if (Number(exists.getRowsJS()[0]![0]) === 0) return new Map();
      const r = await conn.runAndReadAll(
        `SELECT job, epoch_ms(scheduled_for), attempt, status, trigger, owner, epoch_ms(started), epoch_ms(finished), rows, error, detail
         FROM job_runs QUALIFY row_number() OVER (PARTITION BY job ORDER BY started DESC, attempt DESC) = 1`,
      );
      const out = new Map<string, JobRun>();
      for (const row of r.getRowsJS()) {
        const [job, slot, attempt, status, trigger, owner, started, finished, rows, error, detail] = row as [string, bigint, number, JobRunStatus, RunTrigger, string, bigint, bigint | null, bigint | null, string | null, string | null];
        out.set(job, {
          job, scheduledFor: Number(slot), attempt, status, trigger, owner, started: Number(started),
          finished: finished === null ? null : Number(finished), rows: rows === null ? null : Number(rows), error, detail,
        });
      }
      return out;
    } finally {
      db.close();
    }
  }

  async #with<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    const db = await openWithRetry(this.path, { h3: false, createSchema: false }, this.#busyTimeoutMs, this.#clock);
    try {
      await db.connection.run(JOB_TABLES_SQL);
      return await fn(db.connection);
    } finally {
      db.close();
    }
  }
}

async function insertRun(conn: DuckDBConnection, run: JobRun): Promise<void> {
  await conn.run(
    `INSERT INTO job_runs (job, scheduled_for, started, finished, status, attempt, rows, error, trigger, owner, detail)
     VALUES ($job, ${tsParam('slot')}, ${tsParam('started')}, ${run.finished === null ? 'NULL' : tsParam('finished')},
             $status, $attempt, $rows::BIGINT, $error::VARCHAR, $trigger, $owner, $detail::VARCHAR)`,
    {
      job: run.job, slot: run.scheduledFor, started: run.started, ...(run.finished === null ? {} : { finished: run.finished }),
      status: run.status, attempt: run.attempt, rows: run.rows, error: run.error, trigger: run.trigger, owner: run.owner, detail: run.detail,
    },
  );
}

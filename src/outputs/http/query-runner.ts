import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from './api-error.ts';

/** Configuration of a {@link QueryRunner}. */
export interface QueryRunnerConfig {
  connection: DuckDBConnection;
  /** A job running longer is interrupted and answered with 503 `query_timeout`. Default 15 000 ms. */
  timeoutMs?: number;
  /** Jobs waiting beyond this many are refused with 503 `unavailable`. Default 64. */
  maxQueued?: number;
}

/**
 * Runs database jobs one after another on one DuckDB connection (a connection runs one query at a
 * time; the h3_* functions and temp tables live on it), each with a time limit enforced through
 * `connection.interrupt()`.
 */
export class QueryRunner {
  readonly #conn: DuckDBConnection;
  readonly #timeoutMs: number;
  readonly #maxQueued: number;
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;

  constructor(config: QueryRunnerConfig) {
    this.#conn = config.connection;
    this.#timeoutMs = config.timeoutMs ?? 15_000;
    this.#maxQueued = config.maxQueued ?? 64;
  }

  /** Jobs queued or running. */
  get pending(): number {
    return this.#queued;
  }

  /**
   * Queues `job` and resolves to its result.
   * @throws ApiError 503 when the queue is full or the job ran past the time limit; the job's own error otherwise.
   */
  run<T>(job: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    if (this.#queued >= this.#maxQueued) return Promise.reject(new ApiError('unavailable', 'the server is busy; retry in a moment'));
    this.#queued++;
    const result = this.#tail.then(() => this.#timed(job));
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => this.#queued--);
  }

  /** Resolves once every queued job has settled. */
  async drain(): Promise<void> {
    while (this.#queued > 0) await this.#tail;
  }

  async #timed<T>(job: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.#conn.interrupt();
    }, this.#timeoutMs);
    try {
      return await job(this.#conn);
    } catch (err) {
      if (timedOut) throw new ApiError('query_timeout', `the query ran longer than ${this.#timeoutMs} ms and was stopped; ask for a shorter time range or a coarser resolution`, { cause: err });
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

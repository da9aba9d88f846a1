import type { Consumer, ConsumerGroupJoinEvent, EachBatchPayload } from 'kafkajs';
import { isTransient } from './is-transient.ts';

/** Configuration of a {@link ConsumerSupervisor}. */
export interface ConsumerSupervisorConfig {
  /** Makes a consumer (same group and settings each time). */
  create: () => Consumer;
  topics: readonly string[];
  eachBatch: (payload: EachBatchPayload) => Promise<void>;
  onGroupJoin: (e: ConsumerGroupJoinEvent) => void;
  /** The supervisor cannot go on (a non-transient crash, or a replacement failed to start). */
  onFatal: (err: Error) => void;
  log?: (message: string) => void;
  /** Longest wait for a crashed consumer to disconnect before its replacement starts (ms). Default 10,000. */
  disconnectTimeoutMs?: number;
}

/**
 * Runs the group's kafkajs consumer and keeps one running: when kafkajs stops a consumer for good
 * after a transient failure (it sometimes gives up after a broker restart, tulios/kafkajs#1630), a
 * new one replaces it — partitions resume from the offsets stored in DuckDB. A crash that is not
 * transient (see `isTransient`) stops the run through `onFatal` instead of looping.
 */
export class ConsumerSupervisor {
  readonly #c: ConsumerSupervisorConfig;
  #consumer: Consumer;
  #stopping = false;

  constructor(config: ConsumerSupervisorConfig) {
    this.#c = config;
    this.#consumer = config.create();
  }

  /** The consumer currently running (changes after a replacement). */
  get current(): Consumer {
    return this.#consumer;
  }

  /** Connects, subscribes and runs the first consumer. */
  start(): Promise<void> {
    return this.#run(this.#consumer);
  }

  async #run(c: Consumer): Promise<void> {
    c.on(c.events.GROUP_JOIN, this.#c.onGroupJoin);
    c.on(c.events.CRASH, (e) => {
      const decision = onCrash(e.payload, this.#stopping || c !== this.#consumer);
      const err = e.payload.error;
      if (decision === 'ignore') return;
      if (decision === 'stop') {
        this.#c.onFatal(err);
        return;
      }
      this.#c.log?.(`consumer stopped by kafkajs (${err.message}); starting a new one`);
      const next = this.#c.create();
      this.#consumer = next;
      void bounded(c.disconnect(), this.#c.disconnectTimeoutMs ?? 10_000)
        .then(() => this.#run(next))
        .catch((failure: Error) => this.#c.onFatal(failure));
    });
    await c.connect();
    for (const topic of this.#c.topics) await c.subscribe({ topic, fromBeginning: true });
    await c.run({ autoCommit: false, eachBatchAutoResolve: true, partitionsConsumedConcurrently: 1, eachBatch: this.#c.eachBatch });
  }

  /** Leaves the group, waiting at most `timeoutMs` (a client stuck reconnecting never hangs the exit). */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopping = true;
    await bounded(this.#consumer.disconnect(), timeoutMs);
  }
}

/**
 * What to do when kafkajs reports a consumer crash: `ignore` when kafkajs restarts it itself (or the
 * consumer is being stopped or was already replaced), `replace` it after a transient failure, `stop`
 * the run otherwise (a bug or bad input would only crash again).
 */
export function onCrash(payload: { error: Error; restart: boolean }, stale: boolean): 'ignore' | 'replace' | 'stop' {
  if (payload.restart || stale) return 'ignore';
  return isTransient(payload.error) ? 'replace' : 'stop';
}

/** Waits for `p` at most `ms`; errors and time-outs are ignored (used for shutdown steps). */
export async function bounded(p: Promise<unknown>, ms: number): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => {}), new Promise((r) => (t = setTimeout(r, ms)))]);
  clearTimeout(t);
}

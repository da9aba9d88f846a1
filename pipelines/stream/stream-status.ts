import type { Admin } from 'kafkajs';
import type { PartitionStatus, Readiness, StreamCounters, StreamStatus } from '../../src/core/stream-observer.ts';
import type { Checkpointer } from './checkpointer.ts';
import { partitionKey, splitPartitionKey } from './partition-state.ts';
import type { PartitionTable } from './partition-table.ts';

/**
 * The partitions' ends (high watermarks) at the last look: the stream runner refreshes them every
 * few seconds while something observes it, for consumer lag and readiness.
 */
export class EndOffsets {
  readonly #ends = new Map<string, number>();
  #at = -Infinity;

  /** Processing time of the last successful refresh. */
  get at(): number {
    return this.#at;
  }

  /** The end of `topic/partition`, or undefined before the first look. */
  get(k: string): number | undefined {
    return this.#ends.get(k);
  }

  /** Asks the brokers for every topic's partition ends. */
  async refresh(admin: Pick<Admin, 'fetchTopicOffsets'>, topics: readonly string[], now: number): Promise<void> {
    for (const topic of topics) {
      for (const o of await admin.fetchTopicOffsets(topic)) this.#ends.set(partitionKey(topic, o.partition), Number(o.high));
    }
    this.#at = now;
  }
}

/** What {@link createStreamStatus} reads. */
export interface StreamStatusSources {
  table: PartitionTable;
  checkpointer: Checkpointer;
  ends: EndOffsets;
  /** Wall clock (ms). */
  now: () => number;
  /** Readiness: the largest lag (messages) of any assigned partition that still counts as caught up. */
  readyMaxLag: number;
}

/**
 * The runner's {@link StreamStatus}: read on demand from the partition table, the checkpointer and
 * the last look at the partition ends. Pure bookkeeping; no Kafka calls.
 */
export function createStreamStatus(s: StreamStatusSources): StreamStatus {
  const partitions = (): PartitionStatus[] =>
    [...s.table.assigned].sort().map((k) => {
      const [topic, partition] = splitPartitionKey(k);
      const st = s.table.get(k);
      const nextOffset = st ? Number(st.nextOffset) : -1;
      const end = s.ends.get(k);
      const endOffset = end === undefined ? null : end;
      // A fresh group (no checkpoint, nothing read yet) lags by the whole partition as far as we know.
      const lag = endOffset === null || !st ? null : Math.max(0, endOffset - Math.max(nextOffset, 0));
      return { topic, partition, restored: st !== undefined, nextOffset, endOffset, lag };
    });
  return {
    partitions,
    counters(): StreamCounters {
      const c: StreamCounters = { records: 0, acceptedByKind: {}, late: 0, deadLetters: {} };
      for (const p of s.table.values()) {
        const st = p.pipeline.stats;
        c.records += st.records;
        c.late += st.late;
        for (const [kind, n] of Object.entries(st.acceptedByKind ?? {})) c.acceptedByKind[kind] = (c.acceptedByKind[kind] ?? 0) + n;
        for (const [reason, n] of Object.entries(st.deadLetters)) c.deadLetters[reason] = (c.deadLetters[reason] ?? 0) + n;
      }
      return c;
    },
    devicesHeld() {
      let n = 0;
      for (const p of s.table.values()) n += p.pipeline.deviceCount;
      return n;
    },
    eventTimeDelayMs() {
      let low = Infinity;
      for (const p of s.table.values()) {
        const w = p.pipeline.watermark(0);
        if (Number.isFinite(w) && w < low) low = w;
      }
      return Number.isFinite(low) ? s.now() - low : null;
    },
    publishedUntil: () => s.checkpointer.publishedUntil,
    readiness(): Readiness {
      if (s.table.assigned.size === 0) return { ready: false, reason: 'no partitions assigned (joining the consumer group)' };
      const ps = partitions();
      const restoring = ps.filter((p) => !p.restored);
      if (restoring.length > 0) return { ready: false, reason: `restoring ${restoring.map((p) => `${p.topic}/${p.partition}`).join(', ')}` };
      const unknown = ps.filter((p) => p.lag === null);
      if (unknown.length > 0) return { ready: false, reason: `partition ends not known yet for ${unknown.map((p) => `${p.topic}/${p.partition}`).join(', ')}` };
      const behind = ps.filter((p) => p.lag! > s.readyMaxLag);
      if (behind.length > 0) {
        const total = behind.reduce((a, p) => a + p.lag!, 0);
        return { ready: false, reason: `catching up: ${total} messages behind on ${behind.length} partition(s) (ready at ≤ ${s.readyMaxLag} each)` };
      }
      return { ready: true, reason: 'caught up' };
    },
  };
}

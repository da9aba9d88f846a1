import type { PresenceRow } from '../../core/presence-row.ts';
import type { MobilityRecord } from '../../mobility/plugin/mobility-record.ts';
import type { MirrorCheckpoint } from '../checkpoint-mirror.ts';

/** The device consumer whose `od_h3_hourly` outputs are mirrored (src/mobility/plugin). */
const MOBILITY = 'mobility';

/** A presence row in an outbox entry: window start/end (ms), H3 (hex), res, present, active, events. */
export type EntryPresence = [ws: number, we: number, h3: string, res: number, present: number, active: number, events: number];
/** An hourly OD row in an outbox entry: departure hour (ms), origin and destination (H3 hex), trips. */
export type EntryOd = [hour: number, origin: string, destination: string, trips: number];

/** One checkpoint as staged in the DuckDB outbox (JSON). */
export interface MirrorEntry {
  v: 1;
  parts: { topic: string; partition: number; nextOffset: string; presence: EntryPresence[]; od: EntryOd[] }[];
  /** `topic/partition` keys the process held at the checkpoint, with its next offset in each. */
  assigned: [key: string, nextOffset: string][];
  publishedUntil: number | null;
  /** End of input: the process's partitions hold nothing back any more (frontier `infinity`). */
  final: boolean;
  /** Start of the earliest window (re)published in the checkpoint: alerts of windows from here on are sent. */
  alertsFrom: number | null;
}

/** One partition's share of a {@link MirrorBatch}. */
export interface BatchPartition {
  topic: string;
  partition: number;
  nextOffset: bigint;
  /** By `window_start h3`. */
  presence: Map<string, EntryPresence>;
  /** By `hour origin destination`. */
  od: Map<string, EntryOd>;
}

/** Several outbox entries merged into what one PostgreSQL transaction writes. */
export interface MirrorBatch {
  /** By `topic/partition`, sorted (row locks are taken in this order: no deadlock between processes). */
  parts: BatchPartition[];
  /**
   * Publication frontier per `topic/partition` (the newest staged; `Infinity` after the end of input)
   * and this process's next offset there when it was staged.
   */
  frontier: Map<string, { topic: string; partition: number; until: number; offset: bigint }>;
  alertsFrom: number | null;
}

const presenceOf = (r: PresenceRow): EntryPresence => [r.windowStart, r.windowEnd, r.h3, r.res, r.present, r.active, r.events];

/** The outbox entry of a checkpoint: presence partials and hourly OD per partition, frontier, alert range. */
export function toMirrorEntry(c: MirrorCheckpoint): MirrorEntry {
  const parts = c.parts.map((p) => {
    const od = ((p.device.get(MOBILITY) ?? []) as MobilityRecord[]).flatMap((r) => (r.table === 'od_h3_hourly' ? [[r.row.hour, r.row.origin, r.row.destination, r.row.trips] as EntryOd] : []));
    return { topic: p.topic, partition: p.partition, nextOffset: p.nextOffset, presence: p.rows.map(presenceOf), od };
  });
  const alertsFrom = c.published.length > 0 ? Math.min(...c.published.map((r) => r.windowStart)) : null;
  return { v: 1, parts, assigned: c.assigned.map((a) => [a.key, a.nextOffset]), publishedUntil: c.publishedUntil, final: c.final, alertsFrom };
}

/**
 * Merges outbox entries (oldest first) into one batch: per partition the union of their rows (a row
 * staged twice — a replay — keeps the later copy; replays are deterministic, so both are equal) and
 * the largest next offset; per partition the newest frontier; the earliest alert window.
 */
export function mergeMirrorEntries(entries: readonly MirrorEntry[]): MirrorBatch {
  const parts = new Map<string, BatchPartition>();
  const frontier: MirrorBatch['frontier'] = new Map();
  let alertsFrom: number | null = null;
  for (const e of entries) {
    if (e.v !== 1) throw new RangeError(`mirror outbox: unknown entry version ${String(e.v)}`);
    for (const p of e.parts) {
      const key = `${p.topic}/${p.partition}`;
      let b = parts.get(key);
      if (!b) parts.set(key, (b = { topic: p.topic, partition: p.partition, nextOffset: -1n, presence: new Map(), od: new Map() }));
      const off = BigInt(p.nextOffset);
      if (off > b.nextOffset) b.nextOffset = off;
      for (const r of p.presence) b.presence.set(`${r[0]} ${r[2]}`, r);
      for (const r of p.od) b.od.set(`${r[0]} ${r[1]} ${r[2]}`, r);
    }
    if (e.publishedUntil !== null || e.final) {
      const until = e.final ? Infinity : e.publishedUntil!;
      for (const [key, offset] of e.assigned) {
        const i = key.lastIndexOf('/');
        frontier.set(key, { topic: key.slice(0, i), partition: Number(key.slice(i + 1)), until, offset: BigInt(offset) });
      }
    }
    if (e.alertsFrom !== null) alertsFrom = alertsFrom === null ? e.alertsFrom : Math.min(alertsFrom, e.alertsFrom);
  }
  const sorted = [...parts.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  return { parts: sorted, frontier, alertsFrom };
}

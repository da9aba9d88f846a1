import type { PendingLine } from './pending-line.ts';

/**
 * Holds lines until their arrival time is settled. Once every event before time T has been generated,
 * {@link takeBefore}(T) hands out, in arrival order, the lines arriving before T: later events arrive
 * later still, so the stream comes out in true arrival order with only a slice of time buffered.
 */
export class ArrivalBuffer {
  #items: PendingLine[] = [];

  push(p: PendingLine): void {
    this.#items.push(p);
  }

  /** Lines waiting. */
  get size(): number {
    return this.#items.length;
  }

  /** Removes and returns the lines arriving before `t`, sorted by arrival (then creation). */
  takeBefore(t: number): PendingLine[] {
    const out: PendingLine[] = [];
    const keep: PendingLine[] = [];
    for (const p of this.#items) (p.arrival < t ? out : keep).push(p);
    this.#items = keep;
    if (out.length === 0) return out;
    // Items sit in creation order, so (arrival, position) orders them as (arrival, seq). A typed-array
    // sort of packed keys is several times faster than sorting objects with a comparator.
    let base = Infinity, span = 0;
    for (const p of out) base = Math.min(base, p.arrival);
    for (const p of out) span = Math.max(span, p.arrival - base);
    if (span >= 2 ** 30 || out.length >= 2 ** 22) return out.sort((a, b) => a.arrival - b.arrival || a.seq - b.seq);
    const keys = new Float64Array(out.length);
    for (let i = 0; i < out.length; i++) keys[i] = (out[i]!.arrival - base) * 2 ** 22 + i;
    keys.sort();
    const sorted = new Array<PendingLine>(out.length);
    for (let i = 0; i < out.length; i++) sorted[i] = out[keys[i]! % 2 ** 22]!;
    return sorted;
  }
}

import { SPILLED, StringIds } from '../core/string-ids.ts';
import { grown } from '../core/grown.ts';
import { FIX_KIND } from '../../schemas/events.ts';

/**
 * The open events of every device of a {@link PresenceEngine}, pooled and linked per device: each
 * slot's time and link side by side in one Float64Array, its cell, kind and finer-position strings
 * as ids side by side in one Int32Array, so reading an event touches two cache lines. An event costs
 * 28 bytes, off the JS heap, and no object of its own: at a million devices, each holding a window's
 * worth of events (~10 at twice a city's peak), that is ten million fewer objects (and as many boxed
 * `ts` numbers) to allocate, promote and mark than one object per event.
 *
 * Cells and kinds share one string table; sector centres (the finer positions of signalling events)
 * have their own. A fix's own position, nearly never repeated, is kept in a map by slot, as is a
 * string a full table cannot take; both leave with their event. (Hashing a fix's fresh position into a
 * table cost ~0.75 µs a fix: 340 → 205 ms for 900k events, a fifth of them fixes.)
 *
 * Slots are recycled through a free list threaded through the links; the arrays double when full.
 */
export class EventPool {
  /** [ts, next] per slot. */
  #num: Float64Array;
  /** [h3, kind, at] per slot: ids of {@link #names} (h3, kind) and {@link #ats} (at), as {@link StringIds.store} writes them. */
  #ids: Int32Array;
  #names: StringIds;
  #ats: StringIds;
  readonly #max: { names?: number; ats?: number };
  /** Strings the full tables could not take, by 3 * slot + field. */
  readonly #spilled = new Map<number, string>();
  #free = -1;
  #top = 0;
  #live = 0;

  /** `max`: bounds of the two string tables (defaults: {@link StringIds}', and 65,536 finer positions). */
  constructor(capacity = 1024, max: { names?: number; ats?: number } = {}) {
    this.#num = new Float64Array(2 * capacity);
    this.#ids = new Int32Array(3 * capacity);
    this.#max = max;
    this.#names = new StringIds(max.names);
    this.#ats = new StringIds(max.ats ?? 1 << 16);
  }

  /** Events held. */
  get size(): number {
    return this.#live;
  }

  /** A slot holding the event, linked to nothing (`next` = -1). */
  alloc(ts: number, h3: string, kind: string, at: string | undefined): number {
    let slot = this.#free;
    if (slot >= 0) {
      this.#free = this.#num[2 * slot + 1]!;
    } else {
      slot = this.#top++;
      if (2 * slot === this.#num.length) this.#grow();
    }
    this.#names.store(this.#ids, 3 * slot, h3, this.#spilled);
    this.#names.store(this.#ids, 3 * slot + 1, kind, this.#spilled);
    if (kind === FIX_KIND && at !== undefined) {
      // A fix's own position is a value of its own (fresh from h3-js, nearly never repeated): kept by
      // slot, as a full table's would be, instead of hashed into a table it would only fill.
      this.#ids[3 * slot + 2] = SPILLED;
      this.#spilled.set(3 * slot + 2, at);
    } else this.#ats.store(this.#ids, 3 * slot + 2, at, this.#spilled);
    this.#num[2 * slot] = ts;
    this.#num[2 * slot + 1] = -1;
    this.#live++;
    return slot;
  }

  /** Returns a slot to the pool (and any of its strings a full table could not take). */
  free(slot: number): void {
    if (this.#spilled.size > 0) for (let x = 3 * slot; x < 3 * slot + 2; x++) if (this.#ids[x] === SPILLED) this.#spilled.delete(x);
    this.#ats.store(this.#ids, 3 * slot + 2, undefined, this.#spilled);
    this.#num[2 * slot + 1] = this.#free;
    this.#free = slot;
    this.#live--;
  }

  ts(slot: number): number {
    return this.#num[2 * slot]!;
  }

  /** The next slot of the same device, or -1. */
  next(slot: number): number {
    return this.#num[2 * slot + 1]!;
  }

  setNext(slot: number, next: number): void {
    this.#num[2 * slot + 1] = next;
  }

  h3(slot: number): string {
    return this.#names.load(this.#ids, 3 * slot, this.#spilled)!;
  }

  kind(slot: number): string {
    return this.#names.load(this.#ids, 3 * slot + 1, this.#spilled)!;
  }

  at(slot: number): string | undefined {
    return this.#ats.load(this.#ids, 3 * slot + 2, this.#spilled);
  }

  /** Forgets every event. */
  clear(): void {
    this.#num = new Float64Array(2048);
    this.#ids = new Int32Array(3072);
    this.#names = new StringIds(this.#max.names);
    this.#ats = new StringIds(this.#max.ats ?? 1 << 16);
    this.#spilled.clear();
    this.#free = -1;
    this.#top = 0;
    this.#live = 0;
  }

  #grow(): void {
    this.#num = grown(this.#num, 2 * this.#num.length);
    this.#ids = grown(this.#ids, 2 * this.#ids.length);
  }
}

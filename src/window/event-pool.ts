/**
 * The open events of every device of a {@link PresenceEngine}, pooled and linked per device: each
 * slot's time and link side by side in one Float64Array, its (shared) cell, kind and finer-position
 * strings side by side in one array, so reading an event touches two cache lines. An event costs
 * ~40 bytes and no object of its own: at a million devices, each holding a window's worth of events
 * (~10 at twice a city's peak), that is ten million fewer objects (and as many boxed `ts` numbers)
 * to allocate, promote and mark than one object per event.
 *
 * Slots are recycled through a free list threaded through the links; the arrays double when full.
 */
export class EventPool {
  /** [ts, next] per slot. */
  #num: Float64Array;
  /** [h3, kind, at] per slot. */
  readonly #ref: (string | undefined)[] = [];
  #free = -1;
  #top = 0;
  #live = 0;

  constructor(capacity = 1024) {
    this.#num = new Float64Array(2 * capacity);
  }

  /** Events held. */
  get size(): number {
    return this.#live;
  }

  /** A slot holding the event, linked to nothing (`next` = -1). */
  alloc(ts: number, h3: string, kind: string, at: string | undefined): number {
    kind = internKind(kind);
    let slot = this.#free;
    const ref = this.#ref;
    if (slot >= 0) {
      this.#free = this.#num[2 * slot + 1]!;
      ref[3 * slot] = h3;
      ref[3 * slot + 1] = kind;
      ref[3 * slot + 2] = at;
    } else {
      slot = this.#top++;
      if (2 * slot === this.#num.length) this.#grow();
      ref.push(h3, kind, at);
    }
    this.#num[2 * slot] = ts;
    this.#num[2 * slot + 1] = -1;
    this.#live++;
    return slot;
  }

  /** Returns a slot to the pool (drops its finer position, which may be a fix's own string). */
  free(slot: number): void {
    this.#ref[3 * slot + 2] = undefined;
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
    return this.#ref[3 * slot]!;
  }

  kind(slot: number): string {
    return this.#ref[3 * slot + 1]!;
  }

  at(slot: number): string | undefined {
    return this.#ref[3 * slot + 2];
  }

  /** Forgets every event. */
  clear(): void {
    this.#num = new Float64Array(2048);
    this.#ref.length = 0;
    this.#free = -1;
    this.#top = 0;
    this.#live = 0;
  }

  #grow(): void {
    const num = new Float64Array(this.#num.length * 2);
    num.set(this.#num);
    this.#num = num;
  }
}

/** Every kind seen so far (a handful: attach, tau, handover, …), to their one shared string. */
const KINDS = new Map<string, string>();

/**
 * The shared copy of an event kind: each decoded record carries its own copy of "handover" or "tau"
 * (24–32 bytes), which the pool would otherwise keep for every open event. Kinds are free text in
 * the contract, so past 256 distinct ones the rest are kept as they come.
 */
function internKind(kind: string): string {
  const k = KINDS.get(kind);
  if (k !== undefined) return k;
  if (KINDS.size < 256) KINDS.set(kind, kind);
  return kind;
}

import { grown } from './grown.ts';

/**
 * A stack of non-negative 32-bit integers in an `Int32Array` that doubles when full: the free lists
 * of slot stores. A `number[]` of a million freed slots is a million 8-byte elements on the JS heap
 * (in its large-object space, which V8 marks at every full collection, with up to half again of
 * spare capacity); here it is 4 bytes each, off the heap.
 *
 * @example
 * const free = new IntStack();
 * free.push(7);
 * free.pop(); // 7
 * free.pop(); // -1 (empty)
 */
export class IntStack {
  #a: Int32Array;
  #n = 0;

  constructor(capacity = 256) {
    this.#a = new Int32Array(Math.max(1, capacity));
  }

  get size(): number {
    return this.#n;
  }

  push(v: number): void {
    if (this.#n === this.#a.length) this.#a = grown(this.#a, 2 * this.#a.length);
    this.#a[this.#n++] = v;
  }

  /** The `i`-th value pushed (0 ≤ i < {@link size}; not checked). */
  at(i: number): number {
    return this.#a[i]!;
  }

  /** The last value pushed, removed; -1 when the stack is empty. */
  pop(): number {
    return this.#n === 0 ? -1 : this.#a[--this.#n]!;
  }

  /** Empties the stack and gives its memory back. */
  clear(): void {
    this.#a = new Int32Array(256);
    this.#n = 0;
  }
}

/** The typed arrays slot stores keep their fields in. */
type SlotArray = Int32Array | Uint32Array | Float64Array | Uint8Array;

/**
 * A copy of `a`, `length` elements long (at least `a.length`), zero past the old end: a slot store's
 * field moved to a larger array once its slots run out (callers double the length, so appends stay
 * amortised O(1)).
 *
 * @example
 * let ts = new Float64Array(1024);
 * if (slot === ts.length) ts = grown(ts, 2 * ts.length);
 */
export function grown<T extends SlotArray>(a: T, length: number): T {
  if (length < a.length) throw new RangeError(`a slot array grows, it never shrinks: ${a.length} → ${length}`);
  const b = new (a.constructor as new (n: number) => T)(length);
  b.set(a);
  return b;
}

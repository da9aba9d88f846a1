import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlotIndex } from '../../src/core/slot-index.ts';

/**
 * The slot index must behave as the `Map<string, number>` it replaces in the per-device stores:
 * same lookups and the same first-insertion iteration order, through growth, deletions (the
 * backward shift of linear probing), slot reuse and deletion of the entry being visited.
 */

type Op = { op: 'add' | 'del'; key: number } | { op: 'sweep'; mod: number } | { op: 'clear' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 120, arbitrary: fc.record({ op: fc.constant('add' as const), key: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 60, arbitrary: fc.record({ op: fc.constant('del' as const), key: fc.integer({ min: 0, max: 3000 }) }) },
  { weight: 20, arbitrary: fc.record({ op: fc.constant('sweep' as const), mod: fc.integer({ min: 2, max: 5 }) }) },
  { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
);

describe('SlotIndex', () => {
  it('agrees with a Map of slots: lookups, size, first-insertion order, deletion while iterating', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 4000 }), (ops) => {
        const index = new SlotIndex();
        const ref = new Map<string, number>();
        const free: number[] = [];
        let top = 0;
        const drop = (id: string) => {
          free.push(ref.get(id)!);
          ref.delete(id);
        };
        for (const o of ops) {
          if (o.op === 'add') {
            const id = `dev-${o.key.toString(16).padStart(8, '0')}`;
            if (ref.has(id)) continue;
            const slot = free.pop() ?? top++;
            ref.set(id, slot);
            index.set(id, slot);
          } else if (o.op === 'del') {
            const id = `dev-${o.key.toString(16).padStart(8, '0')}`;
            expect(index.delete(id)).toBe(ref.has(id));
            if (ref.has(id)) drop(id);
          } else if (o.op === 'sweep') {
            // As the stores do at a window end: visit every device, forget some of them on the way.
            for (const [id, slot] of index) {
              expect(slot).toBe(ref.get(id));
              if (slot % o.mod === 0) {
                index.delete(id);
                drop(id);
              }
            }
          } else {
            index.clear();
            ref.clear();
            free.length = 0;
            top = 0;
          }
        }
        expect(index.size).toBe(ref.size);
        expect([...index.entries()]).toEqual([...ref.entries()]);
        expect([...index.keys()]).toEqual([...ref.keys()]);
        expect([...index.values()]).toEqual([...ref.values()]);
        for (let k = 0; k <= 3000; k += 7) {
          const id = `dev-${k.toString(16).padStart(8, '0')}`;
          expect(index.get(id)).toBe(ref.get(id));
          expect(index.has(id)).toBe(ref.has(id));
        }
        for (const [id, slot] of ref) expect(index.keyAt(slot)).toBe(id);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses a key already held under another slot, and a slot held by another key', () => {
    const index = new SlotIndex();
    index.set('a', 0);
    expect(index.set('a', 0).get('a')).toBe(0);
    expect(() => index.set('a', 1)).toThrow(/already holds slot 0/);
    expect(() => index.set('b', 0)).toThrow(/slot 0 is held/);
    expect(() => index.set('c', -1)).toThrow(RangeError);
  });

  it('holds a hundred thousand ids through growth and removal of every other one', () => {
    const index = new SlotIndex();
    const n = 100_000;
    for (let i = 0; i < n; i++) index.set(`d${i}`, i);
    for (let i = 0; i < n; i += 2) expect(index.delete(`d${i}`)).toBe(true);
    expect(index.size).toBe(n / 2);
    for (let i = 0; i < n; i++) expect(index.get(`d${i}`)).toBe(i % 2 === 0 ? undefined : i);
    expect([...index.values()].slice(0, 3)).toEqual([1, 3, 5]);
  });
});

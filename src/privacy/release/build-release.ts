import { checkK } from '../../outputs/export/k-anonymity.ts';
import type { Release, ReleaseElement } from './release-element.ts';
import type { ReleaseHierarchy } from './release-hierarchy.ts';

/**
 * How a remainder of 1..k−1 people in a unit is made safe:
 * - `pass-up` (default): the remainder joins the parent unit's remainder, one level up; only at the
 *   top level are released siblings merged into it (secondary suppression).
 * - `merge`: at every level the smallest released element inside the unit is merged into the
 *   remainder (τ-ARGUS/sdcTable-style secondary cell suppression), so coarser levels lose nothing but
 *   finer levels lose the merged element; when no element is inside, the remainder passes up.
 */
export const SECONDARY_STRATEGIES = ['pass-up', 'merge'] as const;
export type SecondaryStrategy = (typeof SECONDARY_STRATEGIES)[number];

/** Configuration of {@link buildRelease}. */
export interface ReleaseConfig {
  /** Smallest number of people an element may hold; integer ≥ 2. */
  k: number;
  /** Secondary suppression strategy. Default `pass-up`. */
  strategy?: SecondaryStrategy;
}

interface Group<K> {
  keys: K[];
  count: number;
}

interface Live<K> extends ReleaseElement<K> {
  dead: boolean;
}

const compare = <K>(a: K, b: K): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Builds the one release of a window from exact base counts: a set of disjoint elements (groups of base
 * keys), each holding ≥ k people; everything else is withheld. Every released figure — a unit at any
 * level of the hierarchy, a zone of any zone system, a time-series point — must then be computed with
 * {@link releasedTotals}: the SUM of the whole elements contained in the unit (an element straddling
 * the unit's border counts in neither side). Hence any released total minus any set of its released
 * parts is itself a sum of whole elements, 0 or ≥ k: differencing never yields 1..k−1.
 *
 * Bottom-up along the hierarchy: a base key with ≥ k people is an element; the base keys below k of
 * one parent are pooled into that parent's remainder, which becomes an element when it reaches k;
 * a remainder of 1..k−1 either passes up to the grandparent's remainder or takes the smallest
 * released element inside the unit (secondary suppression, see {@link SECONDARY_STRATEGIES}); at the
 * top level a remainder still below k after merging is withheld.
 *
 * Deterministic: the same counts give the same elements, in the same order.
 *
 * @example
 * const release = buildRelease(new Map([[cellA, 25n], …]).entries(), h3Hierarchy(9), { k: 20 });
 * const res8 = releasedTotals(release, (cell) => hierarchy.parent(cell, 8));
 */
export function buildRelease<K>(counts: Iterable<readonly [K, number]>, hierarchy: ReleaseHierarchy<K>, config: ReleaseConfig): Release<K> {
  const k = checkK(config.k);
  const strategy = config.strategy ?? 'pass-up';
  const { baseLevel: base, topLevel: top } = hierarchy;
  if (!(top <= base)) throw new RangeError(`the top level ${top} must not be finer than the base level ${base}`);
  const input = [...counts].sort((a, b) => compare(a[0], b[0]));
  const live: Live<K>[] = [];
  let total = 0;
  let withheld = 0;
  let secondaryMerges = 0;
  const startLevel = base > top ? base - 1 : base;
  let pending = new Map<K, Group<K>>();
  const add = (map: Map<K, Group<K>>, unit: K, keys: K[], count: number) => {
    const g = map.get(unit);
    if (g) {
      g.keys.push(...keys);
      g.count += count;
    } else map.set(unit, { keys: [...keys], count });
  };
  const seen = new Set<K>();
  for (const [key, count] of input) {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`counts must be non-negative integers, got ${count}`);
    if (seen.has(key)) throw new RangeError('a base key appears twice in the counts');
    seen.add(key);
    if (count === 0) continue;
    total += count;
    if (count >= k) live.push({ id: 0, anchor: key, anchorLevel: base, keys: [key], count, dead: false });
    else add(pending, hierarchy.parent(key, startLevel), [key], count);
  }
  for (let level = startLevel; level >= top; level--) {
    const inside = strategy === 'merge' || level === top ? elementsInside(live, hierarchy, level) : undefined;
    const next = new Map<K, Group<K>>();
    for (const [unit, group] of [...pending].sort((a, b) => compare(a[0], b[0]))) {
      if (group.count < k && inside) {
        const candidates = inside.get(unit) ?? [];
        while (group.count < k && candidates.length > 0) {
          const smallest = candidates.shift()!;
          smallest.dead = true;
          secondaryMerges++;
          group.keys.push(...smallest.keys);
          group.count += smallest.count;
        }
      }
      if (group.count >= k) live.push({ ...lowestCommonUnit(group.keys.sort(compare), hierarchy, level), keys: group.keys, count: group.count, id: 0, dead: false });
      else if (level > top) add(next, hierarchy.parent(group.keys[0]!, level - 1), group.keys, group.count);
      else withheld += group.count;
    }
    pending = next;
  }
  const released = live.filter((e) => !e.dead).map(({ dead: _dead, ...e }, id) => ({ ...e, id }));
  return { k, elements: released, total, withheld, secondaryMerges };
}

/**
 * The finest unit (at `level` or finer) holding all `keys`, so that "fits in one res-r unit" is
 * exactly `anchorLevel >= r` (a remainder may take a sibling from the same child unit).
 */
function lowestCommonUnit<K>(keys: K[], hierarchy: ReleaseHierarchy<K>, level: number): { anchor: K; anchorLevel: number } {
  for (let l = hierarchy.baseLevel; l > level; l--) {
    const unit = hierarchy.parent(keys[0]!, l);
    if (keys.every((key) => hierarchy.parent(key, l) === unit)) return { anchor: unit, anchorLevel: l };
  }
  return { anchor: hierarchy.parent(keys[0]!, level), anchorLevel: level };
}

/** Live elements anchored below `level`, grouped by their unit at `level`, smallest first. */
function elementsInside<K>(live: Live<K>[], hierarchy: ReleaseHierarchy<K>, level: number): Map<K, Live<K>[]> {
  const byUnit = new Map<K, Live<K>[]>();
  for (const e of live) {
    if (e.dead || e.anchorLevel <= level) continue;
    const unit = hierarchy.parent(e.keys[0]!, level);
    const list = byUnit.get(unit);
    if (list) list.push(e);
    else byUnit.set(unit, [e]);
  }
  for (const list of byUnit.values()) list.sort((a, b) => a.count - b.count || compare(a.keys[0], b.keys[0]));
  return byUnit;
}

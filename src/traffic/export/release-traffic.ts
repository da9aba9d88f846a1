import { buildRelease, releasedTotals } from '../../privacy/release/index.ts';
import type { ReleaseHierarchy } from '../../privacy/release/index.ts';
import type { CorridorBin } from '../engine/corridor-bin.ts';

/** Time levels of the flow release: 5 min (base), 15 min, hour, day. */
const LEVEL_MS = [86_400_000, 3_600_000, 900_000, 300_000];

/** The time hierarchy over 5-minute bin starts (level 3) up to days (level 0). */
export const TIME_HIERARCHY: ReleaseHierarchy<number> = {
  baseLevel: 3,
  topLevel: 0,
  parent: (key, level) => Math.floor(key / LEVEL_MS[level]!) * LEVEL_MS[level]!,
};

/**
 * Released flows per corridor and bin of `binMs` (5 or 15 min): per corridor, one differencing-safe
 * release (src/privacy/release) of its 5-minute flows along 5 min → 15 min → hour → day, so every
 * released flow is a sum of whole elements of ≥ k device crossings and no difference of released
 * flows (a 15-minute bin minus its 5-minute bins, or two exports with different ranges) reveals 1..k−1.
 * Bins absent from the map are withheld.
 */
export function releaseTrafficFlows(bins5: readonly CorridorBin[], binMs: number, k: number): Map<string, Map<number, number>> {
  const level = LEVEL_MS.indexOf(binMs);
  if (level < 2) throw new RangeError(`bin must be 5 or 15 minutes, got ${binMs / 60_000} min`);
  const byCorridor = new Map<string, [number, number][]>();
  for (const b of bins5) {
    let l = byCorridor.get(b.corridor);
    if (!l) byCorridor.set(b.corridor, (l = []));
    if (b.flow > 0) l.push([b.binStart, b.flow]);
  }
  const out = new Map<string, Map<number, number>>();
  for (const [corridor, counts] of byCorridor) {
    const release = buildRelease(counts, TIME_HIERARCHY, { k });
    out.set(corridor, releasedTotals(release, (key) => TIME_HIERARCHY.parent(key, level)));
  }
  return out;
}

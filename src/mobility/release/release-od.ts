import { buildRelease } from '../../privacy/release/build-release.ts';
import type { ReleaseHierarchy } from '../../privacy/release/release-hierarchy.ts';
import { releasedTotals } from '../../privacy/release/released-totals.ts';
import type { OdBy, OdCell } from '../engine/od-cell.ts';

const H = 3_600_000;
const DAY = 86_400_000;
const SEP = '\u0000';

/** One released OD value. */
export interface ReleasedOd {
  origin: string;
  destination: string;
  /** Start of the hour or UTC day (epoch ms), or null for the whole period. */
  period: number | null;
  trips: number;
}

/** Levels of the OD time hierarchy, per zone pair: total ⊃ UTC day ⊃ hour. */
const LEVEL: Record<OdBy, number> = { total: 0, day: 1, hour: 2 };

/**
 * The per-pair time hierarchy over base keys `origin␀destination␀hourMs`: level 2 the hour, level 1
 * the UTC day (`…␀d<dayMs>`), level 0 the pair's whole period (`…␀t`). Pairs never pool together.
 */
const OD_HIERARCHY: ReleaseHierarchy<string> = {
  baseLevel: 2,
  topLevel: 0,
  parent(key, level) {
    if (level === 2) return key;
    const i = key.lastIndexOf(SEP);
    const pair = key.slice(0, i);
    return level === 1 ? `${pair}${SEP}d${Math.floor(Number(key.slice(i + 1)) / DAY) * DAY}` : `${pair}${SEP}t`;
  },
};

/**
 * Releases OD counts differencing-safe along the time hierarchy hour → day → total with the
 * privacy issue's shared machinery (src/privacy/release): {@link buildRelease} makes disjoint
 * elements of ≥ k trips per pair — an hour ≥ k on its own; hours below k pooled into their day's
 * remainder, released when it reaches k, else passed up to the pair's total remainder; at the top a
 * remainder still below k takes the pair's smallest released elements (secondary suppression) or is
 * withheld — and every released value is {@link releasedTotals}: the sum of the whole elements inside
 * it. So values below k never appear, and any released value minus released values below it is 0
 * or ≥ k. Released days and totals may be lower than the truth. Pure; rows sorted by period,
 * origin, destination.
 *
 * @example
 * releaseOd([{ origin: 'A', destination: 'B', hour: 0, trips: 25 }, { origin: 'A', destination: 'B', hour: H, trips: 7 }], 'day', 20)
 * // → [{ origin: 'A', destination: 'B', period: 0, trips: 25 }] (the 7 go to the total's remainder, below k: withheld)
 */
export function releaseOd(cells: readonly OdCell[], by: OdBy, k: number): ReleasedOd[] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`releaseOd: k must be an integer ≥ 2, got ${k}`);
  const counts = new Map<string, number>();
  for (const c of cells) {
    if (c.hour % H !== 0) throw new RangeError(`releaseOd: hour ${c.hour} is not the start of an hour`);
    const key = `${c.origin}${SEP}${c.destination}${SEP}${c.hour}`;
    counts.set(key, (counts.get(key) ?? 0) + c.trips);
  }
  const release = buildRelease(counts, OD_HIERARCHY, { k });
  const level = LEVEL[by];
  const out: ReleasedOd[] = [];
  for (const [unit, trips] of releasedTotals(release, (key: string) => OD_HIERARCHY.parent(key, level))) {
    if (trips <= 0) continue;
    const [origin, destination, p] = unit.split(SEP) as [string, string, string];
    const period = by === 'total' ? null : by === 'day' ? Number(p.slice(1)) : Number(p);
    out.push({ origin, destination, period, trips });
  }
  return out.sort((a, b) => (a.period ?? 0) - (b.period ?? 0) || cmp(a.origin, b.origin) || cmp(a.destination, b.destination));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
